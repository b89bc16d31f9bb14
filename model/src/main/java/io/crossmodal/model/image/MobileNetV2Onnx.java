package io.crossmodal.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.model.image.MobileNetV2Graph.Conv;
import io.crossmodal.model.image.MobileNetV2Graph.Folded;
import io.crossmodal.model.onnx.OnnxProtos;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes the folded MobileNetV2 ({@link MobileNetV2Graph#fold}) as an ONNX graph, so that ONNX
 * Runtime can run the same network as the DL4J reference: every convolution with its BatchNorm
 * already folded in, ReLU6 as {@code Clip(0, 6)}, each Keras {@code ZeroPadding2D} folded into the
 * explicit pads of the convolution it feeds, and a global average pool at the end. Input {@code
 * input} is NCHW floats in [0, 1] with a free batch dimension; output {@value
 * MobileNetV2Graph#FEATURES} is [batch, channels].
 *
 * <p>Why our own exporter: the tower ships as TF.js layers; no converter runs offline here, and the
 * ONNX protobuf classes come with ND4J.
 */
final class MobileNetV2Onnx {
  private MobileNetV2Onnx() {}

  /** The serialised ONNX model for {@code inputSize × inputSize} inputs. */
  public static byte[] export(TfjsLayersArchive archive, int inputSize, String featureLayer) {
    return export(archive, inputSize, featureLayer, List.of());
  }

  /**
   * @param taps layers (convolutions after their ReLU6, or additions) whose spatial activation
   *     [batch, channels, h, w] is a further output, by the layer's name: what training above the
   *     frozen part of the tower starts from
   */
  public static byte[] export(
      TfjsLayersArchive archive, int inputSize, String featureLayer, List<String> taps) {
    return export(archive, inputSize, featureLayer, taps, null);
  }

  /**
   * @param tuned trained weights replacing one 1×1 convolution's, or null
   */
  public static byte[] export(
      TfjsLayersArchive archive,
      int inputSize,
      String featureLayer,
      List<String> taps,
      TunedLayer tuned) {
    ModelProto.Builder model =
        export(MobileNetV2Graph.fold(archive, featureLayer, tuned), inputSize).toBuilder();
    for (String tap : taps) {
      model
          .getGraphBuilder()
          .addOutput(OnnxProtos.value(tap, TensorProto.DataType.FLOAT, (long[]) null));
    }
    return model.build().toByteArray();
  }

  static ModelProto export(Folded folded, int inputSize) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("mobilenet_v2_features");
    g.addInput(OnnxProtos.value("input", TensorProto.DataType.FLOAT, -1, 3, inputSize, inputSize));
    g.addInitializer(OnnxProtos.floats("relu6_min", new float[] {0f}))
        .addInitializer(OnnxProtos.floats("relu6_max", new float[] {6f}));
    // A padding layer reads as its input plus explicit pads [top, left, bottom, right] for the conv
    // after it.
    Map<String, int[]> pads = new HashMap<>();
    Map<String, String> padInput = new HashMap<>();
    for (JsonNode layer : folded.order()) {
      String name = layer.get("name").asText();
      List<String> inputs = folded.inputs(layer);
      switch (layer.get("class_name").asText()) {
        case "ZeroPadding2D" -> {
          JsonNode p = layer.get("config").get("padding");
          pads.put(
              name,
              new int[] {
                p.get(0).get(0).asInt(),
                p.get(1).get(0).asInt(),
                p.get(0).get(1).asInt(),
                p.get(1).get(1).asInt()
              });
          padInput.put(name, inputs.get(0));
        }
        case "Add" ->
            g.addNode(
                NodeProto.newBuilder()
                    .setOpType("Add")
                    .setName(name)
                    .addInput(source(inputs.get(0), padInput))
                    .addInput(source(inputs.get(1), padInput))
                    .addOutput(name));
        default -> conv(g, name, folded.convs().get(name), pads, padInput);
      }
    }
    int channels = folded.convs().get(folded.pooledFrom()).outChannels();
    PooledFeatures.output(g, List.of(folded.pooledFrom()), channels);
    return PooledFeatures.model(g);
  }

  private static void conv(
      GraphProto.Builder g,
      String name,
      Conv c,
      Map<String, int[]> pads,
      Map<String, String> padInput) {
    JsonNode cfg = c.config;
    long kh = c.kernel.size(0);
    long kw = c.kernel.size(1);
    long in = c.kernel.size(2);
    // ONNX kernels are [out, in / group, kh, kw]; a Keras depthwise kernel [kh, kw, in, m] has
    // output channel i·m + j.
    INDArray w =
        c.depthwise
            ? c.kernel.permute(2, 3, 0, 1).dup('c').reshape('c', in * c.kernel.size(3), 1, kh, kw)
            : c.kernel.permute(3, 2, 0, 1).dup('c');
    g.addInitializer(tensor(name + "_W", w));
    g.addInitializer(tensor(name + "_b", c.bias.reshape(c.outChannels())));
    String input = c.input;
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setOpType("Conv")
            .setName(name)
            .addInput(source(input, padInput))
            .addInput(name + "_W")
            .addInput(name + "_b")
            .addAttribute(OnnxProtos.intsAttr("kernel_shape", kh, kw))
            .addAttribute(
                OnnxProtos.intsAttr(
                    "strides",
                    cfg.get("strides").get(0).asLong(),
                    cfg.get("strides").get(1).asLong()))
            .addAttribute(OnnxProtos.intAttr("group", c.depthwise ? in : 1));
    boolean same = "same".equals(cfg.get("padding").asText());
    int[] p = pads.get(input);
    if (same && p != null) {
      throw new IllegalArgumentException(
          name + ": explicit padding before a 'same' convolution is not supported");
    }
    if (same) {
      // TensorFlow's 'same' puts the odd extra pixel at the end, as ONNX's SAME_UPPER does.
      node.addAttribute(OnnxProtos.stringAttr("auto_pad", "SAME_UPPER"));
    } else {
      p = p == null ? new int[4] : p;
      node.addAttribute(OnnxProtos.intsAttr("pads", p[0], p[1], p[2], p[3]));
    }
    if (c.activation == Activation.RELU6) {
      node.addOutput(name + "_linear");
      g.addNode(node);
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Clip")
              .setName(name + "_relu6")
              .addInput(name + "_linear")
              .addInput("relu6_min")
              .addInput("relu6_max")
              .addOutput(name));
    } else if (c.activation == Activation.IDENTITY) {
      g.addNode(node.addOutput(name));
    } else {
      throw new IllegalArgumentException(name + ": unsupported activation " + c.activation);
    }
  }

  private static String source(String input, Map<String, String> padInput) {
    return padInput.getOrDefault(input, input);
  }

  private static TensorProto tensor(String name, INDArray array) {
    return OnnxProtos.floats(name, array.dup('c').data().asFloat(), array.shape());
  }
}
