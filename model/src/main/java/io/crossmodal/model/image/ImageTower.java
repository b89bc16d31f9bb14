package io.crossmodal.model.image;

/**
 * A frozen image tower: square NCHW images in [0, 1] in, one pooled feature vector per image out.
 * Two runtimes implement it ({@link ImageRuntime}); both give the same features.
 */
public interface ImageTower extends AutoCloseable {
  /** Square input side, pixels. */
  int inputSize();

  /**
   * The feature layer ({@link MobileNetV2Tower#TOP} or a convolution such as {@code
   * block_13_expand}).
   */
  String layer();

  int featureDim();

  /**
   * @param pixels {@code n} images back to back, each {@code 3 · size · size} floats, channel-first
   * @return one {@link #featureDim()}-long row per image
   */
  float[][] features(float[] pixels, int n);

  /** Frees native memory; the tower is unusable after. */
  @Override
  void close();
}
