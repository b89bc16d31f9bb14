package io.crossmodal.model.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The InceptionV3 of {@code nsfwjs@4.4.0} (ImageNet-initialised, fine-tuned upstream for the same
 * NSFW task as the MobileNetV2) as an image tower: the mean-pooled activations of one or more of
 * its layers, run by ONNX Runtime ({@link InceptionV3Onnx}). A feature layer names it as {@code
 * inception_v3:mixed5} or, for several layers concatenated, {@code inception_v3:mixed4+mixed6}.
 *
 * <p>The layers up to {@value #BUNDLED_UP_TO} are bundled (the package's weights for them, written
 * by {@code ./crossmodal dataset bundle-inception}); a study of later layers reads the whole
 * network from the unpacked npm package, which {@code dataset build} fetches into the dataset
 * cache.
 */
public final class InceptionV3Tower {
  public static final String PACKAGE = "nsfwjs";
  public static final String VERSION = "4.4.0";

  /** The last layer whose weights are bundled: the default model's feature layer. */
  public static final String BUNDLED_UP_TO = "mixed5";

  public static final String BUNDLED_RESOURCES = "io/crossmodal/model/towers/inception-v3/";
  private static final String PREFIX = "inception_v3:";
  private static final String MODEL_DIR = "dist/models/inception_v3";

  private InceptionV3Tower() {}

  /** Whether a feature layer name means this tower. */
  public static boolean names(String layer) {
    return layer.startsWith(PREFIX);
  }

  /** The layers whose pooled activations a feature layer name asks for, in order. */
  static List<String> pooled(String layer) {
    if (!names(layer)) {
      throw new IllegalArgumentException("not an InceptionV3 feature layer: " + layer);
    }
    return Arrays.asList(layer.substring(PREFIX.length()).split("\\+"));
  }

  /**
   * Where {@code dataset build} unpacks the package: {@code .cache/dataset/npm} under the project
   * home.
   */
  public static Path packageRoot() {
    return Path.of(
        System.getProperty("crossmodal.home", "."),
        ".cache",
        "dataset",
        "npm",
        PACKAGE + "-" + VERSION,
        "package");
  }

  /**
   * The bundled layers when they suffice for {@code layer}, else the whole network from the npm
   * package.
   */
  public static ImageTower load(int inputSize, String layer, int threads) {
    TfjsLayersArchive bundled = bundled();
    Set<String> names = new HashSet<>();
    bundled.modelConfig().get("layers").forEach(l -> names.add(l.get("name").asText()));
    TfjsLayersArchive archive = names.containsAll(pooled(layer)) ? bundled : archive(packageRoot());
    byte[] model = InceptionV3Onnx.export(archive, inputSize, pooled(layer));
    return OnnxImageTower.of(model, inputSize, layer, threads, MobileNetV2Graph.FEATURES);
  }

  public static long multiplyAdds(int inputSize, String layer) {
    return InceptionV3Onnx.multiplyAdds(bundled(), inputSize, pooled(layer));
  }

  /** The layers up to {@value #BUNDLED_UP_TO}, from the classpath. */
  public static TfjsLayersArchive bundled() {
    try (InputStream topology = resource(TfjsLayersWriter.TOPOLOGY);
        InputStream weights = resource(TfjsLayersWriter.WEIGHTS)) {
      return TfjsLayersArchive.read(topology, weights);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled InceptionV3 layers", e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in =
        InceptionV3Tower.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCES + name);
    if (in == null) {
      throw new IOException("missing classpath resource " + BUNDLED_RESOURCES + name);
    }
    return in;
  }

  /** Writes the bundled layers from the unpacked npm package; returns the weight bytes written. */
  public static long bundle(Path packageRoot, Path resourceDir) throws IOException {
    TfjsLayersArchive full = archive(packageRoot);
    return TfjsLayersWriter.write(
        full, InceptionV3Onnx.needed(full, List.of(BUNDLED_UP_TO)), resourceDir);
  }

  /** The whole network from the unpacked npm package ({@code package/} of its tarball). */
  public static TfjsLayersArchive archive(Path packageRoot) {
    Path dir = packageRoot.resolve(MODEL_DIR);
    List<InputStream> shards = new ArrayList<>();
    try (InputStream topology = Files.newInputStream(dir.resolve("model.min.js"))) {
      for (int i = 1; i <= 6; i++) {
        shards.add(Files.newInputStream(dir.resolve("group1-shard" + i + "of6.min.js")));
      }
      return TfjsLayersArchive.read(topology, shards);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read InceptionV3 from " + dir + " (./crossmodal dataset build fetches it)", e);
    } finally {
      for (InputStream shard : shards) {
        try {
          shard.close();
        } catch (IOException ignored) {
          // a read-only file that fails to close holds nothing we need
        }
      }
    }
  }

  public static String provenance(String layer) {
    return "npm:"
        + PACKAGE
        + "@"
        + VERSION
        + "/"
        + MODEL_DIR
        + " (MIT), "
        + String.join(" + ", pooled(layer))
        + " activations, mean-pooled";
  }
}
