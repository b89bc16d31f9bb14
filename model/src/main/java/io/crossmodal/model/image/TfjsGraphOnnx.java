package io.crossmodal.model.image;

import io.crossmodal.model.image.TfjsGraphModel.Node;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import io.crossmodal.model.onnx.OnnxProtos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Writes the part of a frozen TensorFlow.js graph (NHWC) that chosen nodes depend on as an ONNX
 * graph (NCHW) ending in their mean-pooled activations, concatenated. It knows the ops of a
 * MobileNetV3 backbone as the TensorFlow converter fuses them: {@code _FusedConv2D} and {@code
 * FusedDepthwiseConv2dNative} (BatchNorm already folded into a bias, then an optional ReLU or
 * ReLU6), plain depthwise convolutions, {@code Add}/{@code Mul} with tensors or constants (the
 * hard-swish and squeeze-excite arithmetic), {@code Relu}, {@code Relu6}, {@code Sigmoid} and the
 * squeeze-excite {@code Mean}; any other op it refuses by name. Only the needed nodes are written,
 * so a detector's heads never run.
 *
 * <p>Input {@code input}: NCHW floats in [0, 1], mapped to the network's own range by {@code input
 * * scale + shift} in the graph; output {@value MobileNetV2Graph#FEATURES}: [batch, sum of the
 * chosen nodes' channels].
 */
final class TfjsGraphOnnx {
  private TfjsGraphOnnx() {}

  static byte[] export(
      TfjsGraphModel graph, int inputSize, List<String> pooled, float scale, float shift) {
    Writer w = new Writer(graph);
    w.g.addInput(
        OnnxProtos.value("input", TensorProto.DataType.FLOAT, -1, 3, inputSize, inputSize));
    w.g.addInitializer(OnnxProtos.floats("input_scale", new float[] {scale}));
    w.g.addInitializer(OnnxProtos.floats("input_shift", new float[] {shift}));
    w.add("Mul", "input_scaled", List.of("input", "input_scale"));
    w.add("Add", "input_ranged", List.of("input_scaled", "input_shift"));
    w.input = "input_ranged";
    for (String name : order(graph, pooled)) {
      w.write(graph.node(name));
    }
    List<String> activations = new ArrayList<>();
    long channels = 0;
    for (String p : pooled) {
      activations.add(w.out(p));
      channels += w.channels.get(p);
    }
    PooledFeatures.output(w.g, activations, channels);
    return PooledFeatures.model(w.g).toByteArray();
  }

  /** Multiply-adds of the convolutions the chosen nodes need, at {@code inputSize}. */
  static long multiplyAdds(TfjsGraphModel graph, int inputSize, List<String> pooled) {
    Map<String, Integer> side = new HashMap<>();
    long total = 0;
    for (String name : order(graph, pooled)) {
      Node n = graph.node(name);
      int in = 0;
      for (String i : n.inputs()) {
        if (graph.constant(i) == null) {
          in = Math.max(in, side.getOrDefault(i, inputSize));
        }
      }
      if (n.op().equals("Placeholder")) {
        in = inputSize;
      }
      int s = in;
      if (n.op().contains("Conv2D") || n.op().contains("Depthwise")) {
        int stride = (int) n.ints("strides")[1];
        Weight k = graph.constant(n.inputs().get(1));
        int kh = k.shape()[0];
        s =
            "SAME".equals(n.string("padding"))
                ? (in + stride - 1) / stride
                : (in - kh) / stride + 1;
        long perPixel = (long) k.shape()[0] * k.shape()[1] * k.shape()[2] * k.shape()[3];
        total += (long) s * s * perPixel;
      } else if (n.op().equals("Mean")) {
        s = 1;
      }
      side.put(name, s);
    }
    return total;
  }

  /** The non-constant nodes the chosen ones depend on, each after its inputs. */
  static List<String> order(TfjsGraphModel graph, List<String> roots) {
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (String root : roots) {
      visit(graph, root, done, new HashSet<>(), order);
    }
    return order;
  }

  private static void visit(
      TfjsGraphModel graph, String name, Set<String> done, Set<String> path, List<String> order) {
    if (done.contains(name) || graph.constant(name) != null) {
      return;
    }
    Node n = graph.node(name);
    if (n.op().equals("Const")) {
      throw new IllegalArgumentException(name + ": a constant with no weight in the manifest");
    }
    if (!path.add(name)) {
      throw new IllegalArgumentException("a cycle through " + name);
    }
    for (String in : n.inputs()) {
      visit(graph, in, done, path, order);
    }
    path.remove(name);
    done.add(name);
    order.add(name);
  }

  /** The ONNX graph under construction and what each TensorFlow node became in it. */
  private static final class Writer {
    final GraphProto.Builder g = GraphProto.newBuilder().setName("tfjs_graph_features");
    final TfjsGraphModel graph;
    final Map<String, String> output = new HashMap<>();
    final Map<String, Long> channels = new HashMap<>();
    String input;

    Writer(TfjsGraphModel graph) {
      this.graph = graph;
    }

    String out(String tfName) {
      String o = output.get(tfName);
      if (o == null) {
        throw new IllegalArgumentException("node " + tfName + " was not written");
      }
      return o;
    }

    void add(String op, String name, List<String> inputs) {
      NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(name);
      inputs.forEach(n::addInput);
      g.addNode(n);
    }

    void write(Node n) {
      String name = n.name();
      switch (n.op()) {
        case "Placeholder" -> {
          output.put(name, input);
          channels.put(name, 3L);
        }
        case "_FusedConv2D", "FusedDepthwiseConv2dNative", "DepthwiseConv2dNative", "Conv2D" -> {
          conv(n);
        }
        case "Relu" -> unary(n, "Relu");
        case "Sigmoid" -> unary(n, "Sigmoid");
        case "Relu6" -> {
          relu6(out(n.inputs().get(0)), name);
          output.put(name, name);
          channels.put(name, channels.get(n.inputs().get(0)));
        }
        case "Add", "AddV2", "Mul" -> binary(n);
        case "Mean" -> mean(n);
        case "Identity" -> {
          output.put(name, out(n.inputs().get(0)));
          channels.put(name, channels.get(n.inputs().get(0)));
        }
        default -> throw new IllegalArgumentException(name + ": unsupported op " + n.op());
      }
    }

    private void conv(Node n) {
      String name = n.name();
      boolean depthwise = n.op().contains("Depthwise");
      Weight k = constant(n.inputs().get(1), name);
      int kh = k.shape()[0];
      int kw = k.shape()[1];
      int in = k.shape()[2];
      int m = k.shape()[3];
      int out = depthwise ? in * m : m;
      float[] w = new float[out * (depthwise ? 1 : in) * kh * kw];
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          for (int i = 0; i < in; i++) {
            for (int j = 0; j < m; j++) {
              float v = k.values()[((y * kw + x) * in + i) * m + j];
              if (depthwise) {
                // TensorFlow [kh, kw, in, multiplier] → ONNX [in * multiplier, 1, kh, kw]
                w[((i * m + j) * kh + y) * kw + x] = v;
              } else {
                // TensorFlow [kh, kw, in, out] → ONNX [out, in, kh, kw]
                w[((j * in + i) * kh + y) * kw + x] = v;
              }
            }
          }
        }
      }
      g.addInitializer(OnnxProtos.floats(name + "_W", w, out, depthwise ? 1 : in, kh, kw));
      List<String> fused = n.strings("fused_ops");
      NodeProto.Builder node =
          NodeProto.newBuilder()
              .setOpType("Conv")
              .setName(name + "_conv")
              .addInput(out(n.inputs().get(0)))
              .addInput(name + "_W")
              .addOutput(name + "_conv")
              .addAttribute(OnnxProtos.intsAttr("kernel_shape", kh, kw))
              .addAttribute(
                  OnnxProtos.intsAttr("strides", n.ints("strides")[1], n.ints("strides")[2]))
              .addAttribute(OnnxProtos.intsAttr("dilations", dilation(n, 1), dilation(n, 2)));
      if (depthwise) {
        node.addAttribute(OnnxProtos.intAttr("group", in));
      }
      if (!fused.isEmpty()) {
        if (!fused.get(0).equals("BiasAdd")) {
          throw new IllegalArgumentException(name + ": unsupported fused ops " + fused);
        }
        Weight b = constant(n.inputs().get(2), name);
        g.addInitializer(OnnxProtos.floats(name + "_b", b.values(), out));
        node.addInput(name + "_b");
      }
      // TensorFlow's SAME puts the odd extra pixel at the end, as ONNX's SAME_UPPER does.
      node.addAttribute(
          "SAME".equals(n.string("padding"))
              ? OnnxProtos.stringAttr("auto_pad", "SAME_UPPER")
              : OnnxProtos.intsAttr("pads", 0, 0, 0, 0));
      g.addNode(node);
      String last = name + "_conv";
      if (fused.size() > 1) {
        switch (fused.get(1)) {
          case "Relu" -> {
            add("Relu", name, List.of(last));
            last = name;
          }
          case "Relu6" -> {
            relu6(last, name);
            last = name;
          }
          default -> throw new IllegalArgumentException(name + ": unsupported fused ops " + fused);
        }
        if (fused.size() > 2) {
          throw new IllegalArgumentException(name + ": unsupported fused ops " + fused);
        }
      }
      output.put(name, last);
      channels.put(name, (long) out);
    }

    private long dilation(Node n, int axis) {
      long[] d = n.ints("dilations");
      return d.length == 4 ? d[axis] : 1;
    }

    private void unary(Node n, String op) {
      add(op, n.name(), List.of(out(n.inputs().get(0))));
      output.put(n.name(), n.name());
      channels.put(n.name(), channels.get(n.inputs().get(0)));
    }

    /** ReLU6 as ONNX's Clip to [0, 6]. */
    private void relu6(String in, String out) {
      if (g.getInitializerList().stream().noneMatch(t -> t.getName().equals("relu6_min"))) {
        g.addInitializer(OnnxProtos.floats("relu6_min", new float[] {0f}));
        g.addInitializer(OnnxProtos.floats("relu6_max", new float[] {6f}));
      }
      add("Clip", out, List.of(in, "relu6_min", "relu6_max"));
    }

    private void binary(Node n) {
      List<String> ins = new ArrayList<>();
      Long width = null;
      for (String in : n.inputs()) {
        Weight c = graph.constant(in);
        if (c == null) {
          ins.add(out(in));
          width = width == null ? channels.get(in) : Math.max(width, channels.get(in));
        } else {
          String constName = n.name() + "_" + ins.size();
          long size = c.values().length;
          // A per-channel constant broadcasts over NHWC's last axis; in NCHW it must be [C, 1, 1].
          g.addInitializer(
              size == 1
                  ? OnnxProtos.floats(constName, c.values())
                  : OnnxProtos.floats(constName, c.values(), size, 1, 1));
          ins.add(constName);
        }
      }
      add(n.op().equals("Mul") ? "Mul" : "Add", n.name(), ins);
      output.put(n.name(), n.name());
      channels.put(n.name(), width);
    }

    private void mean(Node n) {
      Weight axes = constant(n.inputs().get(1), n.name());
      long[] onnxAxes = new long[axes.values().length];
      for (int i = 0; i < onnxAxes.length; i++) {
        onnxAxes[i] =
            switch ((int) axes.values()[i]) {
              case 1 -> 2;
              case 2 -> 3;
              default ->
                  throw new IllegalArgumentException(
                      n.name() + ": only a mean over height and width is supported");
            };
      }
      NodeProto.Builder node =
          NodeProto.newBuilder()
              .setOpType("ReduceMean")
              .setName(n.name())
              .addInput(out(n.inputs().get(0)))
              .addOutput(n.name())
              .addAttribute(OnnxProtos.intsAttr("axes", onnxAxes))
              .addAttribute(OnnxProtos.intAttr("keepdims", n.bool("keep_dims") ? 1 : 0));
      if (!n.bool("keep_dims")) {
        throw new IllegalArgumentException(n.name() + ": a mean that drops its axes");
      }
      g.addNode(node);
      output.put(n.name(), n.name());
      channels.put(n.name(), channels.get(n.inputs().get(0)));
    }

    private Weight constant(String name, String user) {
      Weight w = graph.constant(name);
      if (w == null) {
        throw new IllegalArgumentException(user + ": input " + name + " is not a constant");
      }
      return w;
    }
  }
}
