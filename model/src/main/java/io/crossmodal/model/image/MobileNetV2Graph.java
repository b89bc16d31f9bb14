package io.crossmodal.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Builds the MobileNetV2 feature extractor of a Keras topology as a DL4J {@link ComputationGraph}
 * in NCHW layout, for any square input size.
 *
 * <p>Why not DL4J's Keras import: it keeps every BatchNormalization layer in NHWC, which dominated
 * inference time here (≈ 5× slower). Instead each BatchNormalization is folded into the convolution
 * that feeds it ({@code W' = W·γ/√(σ²+ε)}, {@code b' = β − μ·γ/√(σ²+ε)}), each ReLU6 is fused into
 * the convolution's activation, and the 7×7 average pooling becomes a global average pooling so
 * that smaller inputs (e.g. 128 px) also give one 1280-d vector. At 224 px the output equals the
 * original {@code flatten_1} activation.
 *
 * <p>Or the features are an earlier block's activation, mean-pooled over its positions, and the
 * blocks after it are not built (see {@link MobileNetV2Tower#DEFAULT_LAYER} for why).
 */
public final class MobileNetV2Graph {
  /** Name of the graph's single output: the pooled 1280-d features. */
  public static final String FEATURES = "features";

  private MobileNetV2Graph() {}

  /** A convolution being assembled: Keras kernel, optional folded bias, fused activation. */
  static final class Conv {
    final JsonNode config;
    final boolean depthwise;
    INDArray kernel; // Keras layout [kh, kw, in, out] or [kh, kw, in, multiplier]
    INDArray bias;
    Activation activation = Activation.IDENTITY;
    String input;

    Conv(JsonNode config, boolean depthwise, INDArray kernel, String input) {
      this.config = config;
      this.depthwise = depthwise;
      this.kernel = kernel;
      this.input = input;
    }

    int outChannels() {
      return (int) (depthwise ? kernel.size(2) * kernel.size(3) : kernel.size(3));
    }
  }

  /** The network's top: global-average-pooled 1280-d features. */
  public static ComputationGraph build(TfjsLayersArchive archive, int inputSize) {
    return build(archive, inputSize, null);
  }

  /**
   * @param featureLayer a convolution of the topology (e.g. {@code block_13_expand}) whose
   *     activation (after its BatchNormalization and ReLU6) is mean-pooled into the features; null
   *     or {@link MobileNetV2Tower#TOP} = the network's top
   */
  public static ComputationGraph build(
      TfjsLayersArchive archive, int inputSize, String featureLayer) {
    return build(archive, inputSize, featureLayer, null);
  }

  /**
   * @param tuned trained weights replacing one 1×1 convolution's, or null
   */
  public static ComputationGraph build(
      TfjsLayersArchive archive, int inputSize, String featureLayer, TunedLayer tuned) {
    return assemble(fold(archive, featureLayer, tuned), inputSize);
  }

  /**
   * The folded, pretrained weights of a 1×1 convolution: where training a {@link TunedLayer}
   * starts.
   */
  public static TunedLayer pretrained(TfjsLayersArchive archive, String layer) {
    Conv c = pointwise(fold(archive, layer).convs().get(layer), layer);
    int in = (int) c.kernel.size(2);
    int out = (int) c.kernel.size(3);
    return new TunedLayer(
        layer,
        in,
        out,
        c.kernel.reshape('c', in, out).dup('c').data().asFloat(),
        c.bias.reshape(out).dup().data().asFloat());
  }

  /**
   * What a convolution reads (e.g. {@code block_12_add} for {@code block_13_expand}): the
   * activation its training starts from.
   */
  public static String inputOf(TfjsLayersArchive archive, String layer) {
    return fold(archive, layer).convs().get(layer).input;
  }

  private static Conv pointwise(Conv c, String layer) {
    if (c == null
        || c.depthwise
        || c.kernel.size(0) != 1
        || c.kernel.size(1) != 1
        || c.config.get("strides").get(0).asInt() != 1
        || c.activation != Activation.RELU6) {
      throw new IllegalArgumentException(
          layer + " is not a 1×1, stride-1 convolution with ReLU6 (only those can be tuned)");
    }
    return c;
  }

  /**
   * The network with every BatchNormalization folded and every ReLU6 fused, ready for a runtime to
   * assemble (DL4J here, ONNX in {@link MobileNetV2Onnx}).
   *
   * @param order the layers that remain (convolutions, paddings, additions), in topological order
   * @param convs the folded convolutions by layer name
   * @param alias what each Keras layer name reads as after folding (a folded layer reads as its
   *     input)
   * @param pooledFrom the layer whose activation is mean-pooled into the features
   */
  record Folded(
      List<JsonNode> order, Map<String, Conv> convs, Map<String, String> alias, String pooledFrom) {
    List<String> inputs(JsonNode layer) {
      return inputsOf(layer, alias);
    }
  }

  /**
   * Multiply-adds of one image through the network up to its feature layer (convolutions only;
   * additions and pooling are negligible): what a runtime's throughput is judged against.
   */
  public static long multiplyAdds(TfjsLayersArchive archive, int inputSize, String featureLayer) {
    Folded folded = fold(archive, featureLayer);
    Map<String, Integer> side = new HashMap<>();
    side.put("input", inputSize);
    long total = 0;
    for (JsonNode layer : folded.order()) {
      String name = layer.get("name").asText();
      List<String> inputs = folded.inputs(layer);
      int in = side.get(inputs.get(0));
      switch (layer.get("class_name").asText()) {
        case "ZeroPadding2D" -> {
          JsonNode p = layer.get("config").get("padding");
          side.put(name, in + p.get(0).get(0).asInt() + p.get(0).get(1).asInt());
        }
        case "Add" -> side.put(name, in);
        default -> {
          Conv c = folded.convs().get(name);
          int k = c.config.get("kernel_size").get(0).asInt();
          int stride = c.config.get("strides").get(0).asInt();
          int out =
              "same".equals(c.config.get("padding").asText())
                  ? (in + stride - 1) / stride
                  : (in - k) / stride + 1;
          long perPosition = (long) k * k * (c.depthwise ? 1 : c.kernel.size(2)) * c.outChannels();
          total += perPosition * out * out;
          side.put(name, out);
        }
      }
    }
    return total;
  }

  static Folded fold(TfjsLayersArchive archive, String featureLayer, TunedLayer tuned) {
    Folded folded = fold(archive, featureLayer);
    if (tuned != null) {
      Conv c = pointwise(folded.convs().get(tuned.layer()), tuned.layer());
      if (c.kernel.size(2) != tuned.in() || c.kernel.size(3) != tuned.out()) {
        throw new IllegalArgumentException(
            tuned.layer()
                + " is "
                + c.kernel.size(2)
                + " → "
                + c.kernel.size(3)
                + ", the tuned weights "
                + tuned.in()
                + " → "
                + tuned.out());
      }
      c.kernel = Nd4j.create(tuned.kernel(), new long[] {1, 1, tuned.in(), tuned.out()}, 'c');
      c.bias = Nd4j.create(tuned.bias(), new long[] {tuned.out()}, 'c');
    }
    return folded;
  }

  /**
   * @param featureLayer as in {@link #build(TfjsLayersArchive, int, String)}
   */
  static Folded fold(TfjsLayersArchive archive, String requested) {
    // The top has a name callers and model files use, but no convolution of that name: it is the
    // pooling.
    String featureLayer = MobileNetV2Tower.TOP.equals(requested) ? null : requested;
    Map<String, String> alias = new HashMap<>();
    Map<String, Integer> consumers = countConsumers(archive.modelConfig());
    Map<String, Conv> convs = new HashMap<>();
    List<JsonNode> order = new ArrayList<>();
    String pooledFrom = null;

    for (JsonNode layer : archive.modelConfig().path("layers")) {
      String name = layer.get("name").asText();
      String type = layer.get("class_name").asText();
      List<String> inputs = inputsOf(layer, alias);
      switch (type) {
        case "InputLayer" -> alias.put(name, "input");
        case "Conv2D", "DepthwiseConv2D" -> {
          boolean depthwise = type.equals("DepthwiseConv2D");
          Weight k = archive.weight(name + (depthwise ? "/depthwise_kernel" : "/kernel"));
          convs.put(name, new Conv(layer.get("config"), depthwise, toArray(k), inputs.get(0)));
          order.add(layer);
          alias.put(name, name);
        }
        case "BatchNormalization" -> {
          Conv conv = requireSoleConsumerConv(convs, layer, alias, consumers);
          foldBatchNorm(conv, archive, name, layer.get("config").get("epsilon").asDouble());
          alias.put(name, inputs.get(0));
        }
        case "ReLU" -> {
          Conv conv = requireSoleConsumerConv(convs, layer, alias, consumers);
          if (layer.get("config").path("max_value").asDouble() != 6.0) {
            throw new IllegalArgumentException(
                "only ReLU6 is supported, got " + layer.get("config"));
          }
          conv.activation = Activation.RELU6;
          alias.put(name, inputs.get(0));
        }
        case "ZeroPadding2D", "Add" -> {
          order.add(layer);
          alias.put(name, name);
        }
        case "AveragePooling2D" -> pooledFrom = featureLayer == null ? inputs.get(0) : null;
        default -> {} // the classifier head after the pooling is not part of the feature extractor
      }
      if (featureLayer != null && name.equals(featureLayer + "_relu")) {
        pooledFrom = featureLayer; // its BatchNormalization and ReLU6 are folded into it by now
      }
      if (pooledFrom != null) {
        break;
      }
    }
    if (pooledFrom == null) {
      throw new IllegalArgumentException(
          featureLayer == null
              ? "topology has no AveragePooling2D feature layer"
              : "topology has no convolution '"
                  + featureLayer
                  + "' followed by '"
                  + featureLayer
                  + "_relu'");
    }
    return new Folded(order, convs, alias, pooledFrom);
  }

  private static ComputationGraph assemble(Folded folded, int inputSize) {
    Map<String, Conv> convs = folded.convs();
    ComputationGraphConfiguration.GraphBuilder g =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.FLOAT)
            .graphBuilder()
            .addInputs("input");
    for (JsonNode layer : folded.order()) {
      String name = layer.get("name").asText();
      String[] inputs = folded.inputs(layer).toArray(String[]::new);
      switch (layer.get("class_name").asText()) {
        case "ZeroPadding2D" -> {
          JsonNode p = layer.get("config").get("padding");
          g.addLayer(
              name,
              new ZeroPaddingLayer.Builder(
                      p.get(0).get(0).asInt(),
                      p.get(0).get(1).asInt(),
                      p.get(1).get(0).asInt(),
                      p.get(1).get(1).asInt())
                  .build(),
              inputs);
        }
        case "Add" -> g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs);
        default -> g.addLayer(name, convLayer(convs.get(name)), convs.get(name).input);
      }
    }
    g.addLayer(
            FEATURES, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), folded.pooledFrom())
        .setOutputs(FEATURES)
        .setInputTypes(InputType.convolutional(inputSize, inputSize, 3));
    ComputationGraph graph = new ComputationGraph(g.build());
    graph.init();
    for (Map.Entry<String, Conv> e : convs.entrySet()) {
      Conv c = e.getValue();
      // DL4J NCHW kernels are [out, in, kh, kw]; depthwise kernels keep Keras' [kh, kw, in,
      // multiplier].
      INDArray w = c.depthwise ? c.kernel : c.kernel.permute(3, 2, 0, 1).dup('c');
      graph.getLayer(e.getKey()).setParam("W", w);
      graph.getLayer(e.getKey()).setParam("b", c.bias.reshape(1, c.outChannels()));
    }
    return graph;
  }

  private static Layer convLayer(Conv c) {
    JsonNode cfg = c.config;
    int kh = cfg.get("kernel_size").get(0).asInt();
    int kw = cfg.get("kernel_size").get(1).asInt();
    int sh = cfg.get("strides").get(0).asInt();
    int sw = cfg.get("strides").get(1).asInt();
    ConvolutionMode mode =
        "same".equals(cfg.get("padding").asText())
            ? ConvolutionMode.Same
            : ConvolutionMode.Truncate;
    if (c.depthwise) {
      int channels = (int) c.kernel.size(2);
      return new DepthwiseConvolution2D.Builder(kh, kw)
          .stride(sh, sw)
          .convolutionMode(mode)
          .nIn(channels)
          .depthMultiplier((int) c.kernel.size(3))
          .hasBias(true)
          .activation(c.activation)
          .build();
    }
    return new ConvolutionLayer.Builder(kh, kw)
        .stride(sh, sw)
        .convolutionMode(mode)
        .nIn(c.kernel.size(2))
        .nOut(c.kernel.size(3))
        .hasBias(true)
        .activation(c.activation)
        .build();
  }

  private static void foldBatchNorm(
      Conv conv, TfjsLayersArchive archive, String bn, double epsilon) {
    INDArray gamma = toArray(archive.weight(bn + "/gamma"));
    INDArray beta = toArray(archive.weight(bn + "/beta"));
    INDArray mean = toArray(archive.weight(bn + "/moving_mean"));
    INDArray variance = toArray(archive.weight(bn + "/moving_variance"));
    INDArray scale = gamma.div(Transforms.sqrt(variance.add(epsilon), false));
    INDArray flatScale = scale.reshape(conv.outChannels());
    // Output channels are the trailing axis (or axes, for depthwise) of a Keras kernel in C order.
    long[] shape = conv.kernel.shape();
    conv.kernel =
        conv.kernel
            .reshape('c', conv.kernel.length() / conv.outChannels(), conv.outChannels())
            .mulRowVector(flatScale)
            .reshape('c', shape);
    INDArray bias = conv.bias == null ? Nd4j.zeros(DataType.FLOAT, conv.outChannels()) : conv.bias;
    conv.bias = bias.sub(mean).mul(scale).add(beta);
  }

  /** Folding or fusing into a convolution is only exact when nothing else reads its raw output. */
  private static Conv requireSoleConsumerConv(
      Map<String, Conv> convs,
      JsonNode layer,
      Map<String, String> alias,
      Map<String, Integer> consumers) {
    String keras = layer.get("inbound_nodes").get(0).get(0).get(0).asText();
    Conv conv = convs.get(alias.getOrDefault(keras, keras));
    if (conv == null
        || consumers.getOrDefault(keras, 0) != 1
        || conv.activation != Activation.IDENTITY) {
      throw new IllegalArgumentException(
          layer.get("name").asText()
              + " must follow a convolution read by nothing else, but follows "
              + keras);
    }
    return conv;
  }

  private static Map<String, Integer> countConsumers(JsonNode config) {
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode layer : config.path("layers")) {
      for (JsonNode node : layer.path("inbound_nodes")) {
        for (JsonNode in : node) {
          counts.merge(in.get(0).asText(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static List<String> inputsOf(JsonNode layer, Map<String, String> alias) {
    List<String> inputs = new ArrayList<>();
    for (JsonNode node : layer.path("inbound_nodes")) {
      for (JsonNode in : node) {
        inputs.add(alias.getOrDefault(in.get(0).asText(), in.get(0).asText()));
      }
    }
    return inputs;
  }

  private static INDArray toArray(Weight w) {
    long[] shape = new long[w.shape().length];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = w.shape()[i];
    }
    return Nd4j.create(w.values(), shape, 'c');
  }
}
