package io.crossmodal.model.image;

import java.util.Locale;

/**
 * Which engine runs the image tower. Both run the same folded network and give the same features
 * (within 1e-4, tested); ONNX Runtime is the default because it measured several times faster here
 * (BENCHMARKS.md), DL4J stays as the reference for MobileNetV2. InceptionV3 runs on ONNX Runtime
 * only (its writer is tested against a naive reference instead).
 */
public enum ImageRuntime {
  ONNX,
  DL4J;

  public static final ImageRuntime DEFAULT = ONNX;

  /**
   * @param threads intra-op threads (ONNX Runtime); DL4J sizes its own pool
   */
  public ImageTower load(int inputSize, String layer, int threads) {
    return load(inputSize, layer, threads, null);
  }

  /**
   * @param tuned a model's trained weights for one 1×1 convolution, or null for the pretrained
   *     tower
   */
  public ImageTower load(int inputSize, String layer, int threads, TunedLayer tuned) {
    if (ConcatenatedImageTower.names(layer)) {
      if (tuned != null) {
        throw new IllegalArgumentException(
            layer + ": several towers' features have no tuned layer");
      }
      return ConcatenatedImageTower.load(this, inputSize, layer, threads);
    }
    if (ResampledImageTower.names(layer)) {
      return ResampledImageTower.of(
          load(
              ResampledImageTower.innerSize(layer),
              ResampledImageTower.innerLayer(layer),
              threads,
              tuned),
          inputSize,
          layer);
    }
    if (SpatialPooling.of(layer) != SpatialPooling.MEAN) {
      throw new IllegalArgumentException(
          layer
              + ": a pooling study's features are computed for training and evaluation only, not served");
    }
    if (!runs(layer)) {
      throw new IllegalArgumentException(
          layer + ": InceptionV3 features run on ONNX Runtime only (encoder.image.runtime=onnx)");
    }
    if (MobileNetV3Tower.names(layer)) {
      if (tuned != null) {
        throw new IllegalArgumentException("MobileNetV3 has no tuned layer");
      }
      return MobileNetV3Tower.load(inputSize, layer, threads);
    }
    if (InceptionV3Tower.names(layer)) {
      if (tuned != null) {
        throw new IllegalArgumentException("InceptionV3 has no tuned layer");
      }
      return InceptionV3Tower.load(inputSize, layer, threads);
    }
    return switch (this) {
      case ONNX -> OnnxImageTower.load(inputSize, layer, threads, tuned);
      case DL4J -> MobileNetV2Tower.load(inputSize, layer, tuned);
    };
  }

  /** Whether this engine can run a feature layer's tower. */
  public boolean runs(String layer) {
    return this == ONNX
        || ConcatenatedImageTower.parts(layer).stream()
            .noneMatch(p -> InceptionV3Tower.names(p) || MobileNetV3Tower.names(p));
  }

  /** {@code onnx} or {@code dl4j}, any case. */
  public static ImageRuntime parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown image runtime '" + name + "' (onnx or dl4j)", e);
    }
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
