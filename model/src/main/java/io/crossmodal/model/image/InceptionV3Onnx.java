package io.crossmodal.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import io.crossmodal.model.onnx.OnnxProtos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Writes the Keras InceptionV3 of {@code nsfwjs} (TF.js layers) as an ONNX graph that ends in the
 * mean-pooled activations of chosen layers, concatenated: every {@code Conv2D → BatchNormalization
 * → relu} chain becomes one convolution with the BatchNorm folded in and a {@code Relu}; max and
 * average pools and the channel concatenations of the {@code mixed} blocks map one to one. Only the
 * layers the chosen ones depend on are written, so the blocks after them never run.
 *
 * <p>Input {@code input}: NCHW floats in [0, 1] (what nsfwjs feeds it), free batch dimension;
 * output {@value MobileNetV2Graph#FEATURES}: [batch, sum of the chosen layers' channels].
 */
final class InceptionV3Onnx {
  private InceptionV3Onnx() {}

  /**
   * @param pooled layer names (e.g. {@code mixed5}) whose mean-pooled activations are the features,
   *     in order
   */
  public static byte[] export(TfjsLayersArchive archive, int inputSize, List<String> pooled) {
    Map<String, JsonNode> layers = new HashMap<>();
    List<JsonNode> order = new ArrayList<>();
    for (JsonNode layer : archive.modelConfig().get("layers")) {
      layers.put(layer.get("name").asText(), layer);
      order.add(layer);
    }
    Set<String> needed = ancestors(layers, pooled);
    GraphProto.Builder g = GraphProto.newBuilder().setName("inception_v3_features");
    g.addInput(OnnxProtos.value("input", TensorProto.DataType.FLOAT, -1, 3, inputSize, inputSize));
    Map<String, String> output = new HashMap<>();
    Map<String, JsonNode> pendingConv = new HashMap<>();
    long channels = 0;
    Map<String, Long> width = new HashMap<>();
    for (JsonNode layer : order) {
      String name = layer.get("name").asText();
      if (!needed.contains(name)) {
        continue;
      }
      List<String> inputs = inputs(layer);
      JsonNode cfg = layer.get("config");
      switch (layer.get("class_name").asText()) {
        case "InputLayer" -> {
          output.put(name, "input");
          width.put(name, 3L);
        }
        case "Conv2D" -> {
          if (cfg.get("use_bias").asBoolean() || !"linear".equals(cfg.get("activation").asText())) {
            throw new IllegalArgumentException(
                name + ": only bias-free linear convolutions followed by BatchNorm are supported");
          }
          pendingConv.put(name, layer);
        }
        case "BatchNormalization" -> {
          JsonNode conv = pendingConv.remove(inputs.get(0));
          if (conv == null) {
            throw new IllegalArgumentException(name + ": a BatchNorm must follow a convolution");
          }
          long out = foldedConv(g, name, conv, cfg, archive, output.get(inputs(conv).get(0)));
          width.put(name, out);
          output.put(name, name);
        }
        case "Activation" -> {
          if (!"relu".equals(cfg.get("activation").asText())) {
            throw new IllegalArgumentException(
                name + ": unsupported activation " + cfg.get("activation"));
          }
          g.addNode(
              NodeProto.newBuilder()
                  .setOpType("Relu")
                  .setName(name)
                  .addInput(output.get(inputs.get(0)))
                  .addOutput(name));
          width.put(name, width.get(inputs.get(0)));
          output.put(name, name);
        }
        case "MaxPooling2D", "AveragePooling2D" -> {
          boolean max = layer.get("class_name").asText().startsWith("Max");
          NodeProto.Builder node =
              NodeProto.newBuilder()
                  .setOpType(max ? "MaxPool" : "AveragePool")
                  .setName(name)
                  .addInput(output.get(inputs.get(0)))
                  .addOutput(name)
                  .addAttribute(
                      OnnxProtos.intsAttr(
                          "kernel_shape",
                          cfg.get("pool_size").get(0).asLong(),
                          cfg.get("pool_size").get(1).asLong()))
                  .addAttribute(
                      OnnxProtos.intsAttr(
                          "strides",
                          cfg.get("strides").get(0).asLong(),
                          cfg.get("strides").get(1).asLong()));
          // Keras' 'same' average pool divides by the pixels inside the image: ONNX's
          // count_include_pad = 0 (its default).
          node.addAttribute(
              "same".equals(cfg.get("padding").asText())
                  ? OnnxProtos.stringAttr("auto_pad", "SAME_UPPER")
                  : OnnxProtos.intsAttr("pads", 0, 0, 0, 0));
          g.addNode(node);
          width.put(name, width.get(inputs.get(0)));
          output.put(name, name);
        }
        case "Concatenate" -> {
          NodeProto.Builder node =
              NodeProto.newBuilder()
                  .setOpType("Concat")
                  .setName(name)
                  .addOutput(name)
                  .addAttribute(OnnxProtos.intAttr("axis", 1));
          long sum = 0;
          for (String in : inputs) {
            node.addInput(output.get(in));
            sum += width.get(in);
          }
          g.addNode(node);
          width.put(name, sum);
          output.put(name, name);
        }
        default ->
            throw new IllegalArgumentException(
                name + ": unsupported layer " + layer.get("class_name"));
      }
    }
    List<String> activations = new ArrayList<>();
    for (String layer : pooled) {
      String out = output.get(layer);
      if (out == null) {
        throw new IllegalArgumentException("no layer " + layer + " in InceptionV3");
      }
      activations.add(out);
      channels += width.get(layer);
    }
    PooledFeatures.output(g, activations, channels);
    return PooledFeatures.model(g).toByteArray();
  }

  /**
   * The layers the chosen ones depend on, themselves included: what must be kept to compute them.
   */
  public static Set<String> needed(TfjsLayersArchive archive, List<String> pooled) {
    Map<String, JsonNode> layers = new HashMap<>();
    for (JsonNode layer : archive.modelConfig().get("layers")) {
      layers.put(layer.get("name").asText(), layer);
    }
    return ancestors(layers, pooled);
  }

  /**
   * Multiply-adds of the convolutions the chosen layers need, at {@code inputSize}: the tower's
   * cost.
   */
  public static long multiplyAdds(TfjsLayersArchive archive, int inputSize, List<String> pooled) {
    // Shapes follow from the strides and paddings; only convolutions count (pools and ReLUs are
    // noise).
    Map<String, JsonNode> layers = new HashMap<>();
    for (JsonNode layer : archive.modelConfig().get("layers")) {
      layers.put(layer.get("name").asText(), layer);
    }
    Set<String> needed = ancestors(layers, pooled);
    Map<String, Integer> side = new HashMap<>();
    long total = 0;
    for (JsonNode layer : archive.modelConfig().get("layers")) {
      String name = layer.get("name").asText();
      if (!needed.contains(name)) {
        continue;
      }
      JsonNode cfg = layer.get("config");
      List<String> inputs = inputs(layer);
      int in = inputs.isEmpty() ? inputSize : side.get(inputs.get(0));
      String cls = layer.get("class_name").asText();
      int s = in;
      if (cls.equals("Conv2D") || cls.endsWith("Pooling2D")) {
        JsonNode k = cfg.has("kernel_size") ? cfg.get("kernel_size") : cfg.get("pool_size");
        int stride = cfg.get("strides").get(0).asInt();
        s =
            "same".equals(cfg.get("padding").asText())
                ? (in + stride - 1) / stride
                : (in - k.get(0).asInt()) / stride + 1;
        if (cls.equals("Conv2D")) {
          int[] shape = archive.weight(name + "/kernel").shape();
          total += (long) s * s * shape[0] * shape[1] * shape[2] * shape[3];
        }
      }
      side.put(name, s);
    }
    return total;
  }

  private static long foldedConv(
      GraphProto.Builder g,
      String name,
      JsonNode conv,
      JsonNode bnConfig,
      TfjsLayersArchive archive,
      String input) {
    String convName = conv.get("name").asText();
    JsonNode cfg = conv.get("config");
    Weight kernel = archive.weight(convName + "/kernel");
    int kh = kernel.shape()[0];
    int kw = kernel.shape()[1];
    int in = kernel.shape()[2];
    int out = kernel.shape()[3];
    float[] beta = archive.weight(name + "/beta").values();
    float[] mean = archive.weight(name + "/moving_mean").values();
    float[] variance = archive.weight(name + "/moving_variance").values();
    float[] gamma =
        archive.weights().containsKey(name + "/gamma")
            ? archive.weight(name + "/gamma").values()
            : null;
    double epsilon = bnConfig.get("epsilon").asDouble();
    float[] w = new float[out * in * kh * kw];
    float[] b = new float[out];
    for (int o = 0; o < out; o++) {
      double scale = (gamma == null ? 1.0 : gamma[o]) / Math.sqrt(variance[o] + epsilon);
      b[o] = (float) (beta[o] - mean[o] * scale);
      for (int i = 0; i < in; i++) {
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            // Keras [kh, kw, in, out] → ONNX [out, in, kh, kw]
            w[((o * in + i) * kh + y) * kw + x] =
                (float) (kernel.values()[((y * kw + x) * in + i) * out + o] * scale);
          }
        }
      }
    }
    g.addInitializer(OnnxProtos.floats(name + "_W", w, out, in, kh, kw));
    g.addInitializer(OnnxProtos.floats(name + "_b", b, out));
    NodeProto.Builder node =
        NodeProto.newBuilder()
            .setOpType("Conv")
            .setName(name)
            .addInput(input)
            .addInput(name + "_W")
            .addInput(name + "_b")
            .addOutput(name)
            .addAttribute(OnnxProtos.intsAttr("kernel_shape", kh, kw))
            .addAttribute(
                OnnxProtos.intsAttr(
                    "strides",
                    cfg.get("strides").get(0).asLong(),
                    cfg.get("strides").get(1).asLong()));
    // TensorFlow's 'same' puts the odd extra pixel at the end, as ONNX's SAME_UPPER does.
    node.addAttribute(
        "same".equals(cfg.get("padding").asText())
            ? OnnxProtos.stringAttr("auto_pad", "SAME_UPPER")
            : OnnxProtos.intsAttr("pads", 0, 0, 0, 0));
    g.addNode(node);
    return out;
  }

  static Set<String> ancestors(Map<String, JsonNode> layers, List<String> roots) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      JsonNode layer = layers.get(name);
      if (layer == null) {
        throw new IllegalArgumentException("no layer " + name + " in InceptionV3");
      }
      if (seen.add(name)) {
        todo.addAll(inputs(layer));
      }
    }
    return seen;
  }

  private static List<String> inputs(JsonNode layer) {
    List<String> inputs = new ArrayList<>();
    for (JsonNode node : layer.path("inbound_nodes")) {
      for (JsonNode in : node) {
        inputs.add(in.get(0).asText());
      }
    }
    return inputs;
  }
}
