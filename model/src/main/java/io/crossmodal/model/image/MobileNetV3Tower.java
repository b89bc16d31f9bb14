package io.crossmodal.model.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The MobileNetV3-Large backbone of the CenterNet object detector that npm {@code
 * @vladmandic/human} ships (ImageNet-initialised, trained on COCO's 80 object classes: people,
 * vehicles, animals, food, furniture) as an image tower: the mean-pooled activations of one or more
 * of its blocks, run by ONNX Runtime ({@link TfjsGraphOnnx}; the detection heads never run). A
 * feature layer names it as {@code mobilenet_v3:expanded_conv_14} (a block's output), {@code
 * mobilenet_v3:expanded_conv_14.expand} (its expansion), {@code mobilenet_v3:extern1} (the
 * detector's 480-d neck on the last block), several joined with {@code +}.
 *
 * <p>The weights are read from the unpacked npm package, which {@code dataset build} fetches into
 * the dataset cache.
 */
public final class MobileNetV3Tower {
  public static final String PACKAGE = "@vladmandic/human";
  public static final String VERSION = "3.3.6";

  /** The feature layer whose nodes are bundled: the default model's. */
  public static final String BUNDLED_UP_TO = "mobilenet_v3:expanded_conv_12.expand";

  public static final String BUNDLED_RESOURCES = "io/crossmodal/model/towers/mobilenet-v3/";
  private static final String PREFIX = "mobilenet_v3:";
  private static final String MODEL = "models/centernet.json";
  private static final String BACKBONE = "tower_0/MobilenetV3/";

  private MobileNetV3Tower() {}

  /** Whether a feature layer name means this tower. */
  public static boolean names(String layer) {
    return layer.startsWith(PREFIX);
  }

  static List<String> parts(String layer) {
    if (!names(layer)) {
      throw new IllegalArgumentException("not a MobileNetV3 feature layer: " + layer);
    }
    return Arrays.asList(layer.substring(PREFIX.length()).split("\\+"));
  }

  /** The graph nodes a feature layer's parts name, in order. */
  static List<String> nodes(TfjsGraphModel graph, String layer) {
    List<String> nodes = new ArrayList<>();
    for (String part : parts(layer)) {
      nodes.add(node(graph, part));
    }
    return nodes;
  }

  private static String node(TfjsGraphModel graph, String part) {
    String[] p = part.split("\\.", 2);
    String block = (p[0].startsWith("extern") ? "tower_0/" : BACKBONE) + p[0] + "/";
    List<String> candidates =
        p.length == 1
            ? List.of(
                block + "add",
                block + "project/BatchNorm/FusedBatchNorm",
                block + "hard_swish/mul_1")
            : switch (p[1]) {
              case "expand" -> List.of(block + "expand/hard_swish/mul_1", block + "expand/Relu");
              case "depthwise" ->
                  List.of(block + "depthwise/hard_swish/mul_1", block + "depthwise/depthwise");
              default -> List.of();
            };
    for (String c : candidates) {
      if (graph.nodes().containsKey(c)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "no MobileNetV3 node for '"
            + part
            + "' (a block such as expanded_conv_14, optionally"
            + " .expand or .depthwise, or extern1)");
  }

  /** Where {@code dataset build} unpacks the package. */
  public static Path packageRoot() {
    return Path.of(
        System.getProperty("crossmodal.home", "."),
        ".cache",
        "dataset",
        "npm",
        PACKAGE + "-" + VERSION,
        "package");
  }

  /** The whole detector from the unpacked npm package ({@code package/} of its tarball). */
  static TfjsGraphModel archive(Path packageRoot) {
    Path json = packageRoot.resolve(MODEL);
    try {
      return TfjsGraphModel.read(json);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read MobileNetV3 from " + json + " (./crossmodal dataset build fetches it)", e);
    }
  }

  /** The nodes up to {@link #BUNDLED_UP_TO}, from the classpath. */
  static TfjsGraphModel bundled() {
    try (InputStream json = resource(TfjsGraphModel.MODEL)) {
      return TfjsGraphModel.read(
          json.readAllBytes(),
          file -> {
            try (InputStream in = resource(file)) {
              return in.readAllBytes();
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled MobileNetV3 layers", e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in =
        MobileNetV3Tower.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCES + name);
    if (in == null) {
      throw new IOException("missing classpath resource " + BUNDLED_RESOURCES + name);
    }
    return in;
  }

  /** The bundled nodes when they suffice for {@code layer}, else the package's whole detector. */
  static TfjsGraphModel graph(String layer) {
    TfjsGraphModel bundled = bundled();
    for (String part : parts(layer)) {
      try {
        node(bundled, part);
      } catch (IllegalArgumentException notBundled) {
        return archive(packageRoot());
      }
    }
    return bundled;
  }

  /** Writes the bundled nodes from the unpacked npm package; returns the weight bytes written. */
  public static long bundle(Path packageRoot, Path resourceDir) throws IOException {
    TfjsGraphModel full = archive(packageRoot);
    return full.write(resourceDir, nodes(full, BUNDLED_UP_TO));
  }

  public static ImageTower load(int inputSize, String layer, int threads) {
    TfjsGraphModel graph = graph(layer);
    // The detector takes pixels in [0, 255], as @vladmandic/human feeds it; [-1, 1] retrieved far
    // worse on the validation split (docs/model-card.md).
    byte[] model = TfjsGraphOnnx.export(graph, inputSize, nodes(graph, layer), 255f, 0f);
    return OnnxImageTower.of(model, inputSize, layer, threads, MobileNetV2Graph.FEATURES);
  }

  public static long multiplyAdds(int inputSize, String layer) {
    TfjsGraphModel graph = graph(layer);
    return TfjsGraphOnnx.multiplyAdds(graph, inputSize, nodes(graph, layer));
  }

  public static String provenance(String layer) {
    return "npm:"
        + PACKAGE
        + "@"
        + VERSION
        + "/"
        + MODEL
        + " (MIT), "
        + String.join(" + ", parts(layer))
        + " activations, mean-pooled";
  }
}
