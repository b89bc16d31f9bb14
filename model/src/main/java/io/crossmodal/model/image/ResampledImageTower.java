package io.crossmodal.model.image;

/**
 * A tower that takes larger pixels than its network: each channel plane is shrunk by area averaging
 * (every output pixel the mean of the input area it covers) before the network runs. A feature
 * layer asks for it with a size suffix, {@code block_13_expand/96}: so a cheap tower can share one
 * batch of 160 px pixels with a dearer one in a {@link ConcatenatedImageTower} at the arithmetic of
 * its own, smaller input (MobileNetV2's depthwise convolutions cost 2.8× as much at 160 px as at
 * 96).
 *
 * <p>Not thread safe: the shrunk pixels and the row pass live in buffers reused across batches.
 */
final class ResampledImageTower implements ImageTower {
  static final String SIZE_SEPARATOR = "/";

  private final ImageTower inner;
  private final int inputSize;
  private final String layer;
  private final Axis axis;
  private float[] shrunk = new float[0];
  private final float[] rowPass;

  private ResampledImageTower(ImageTower inner, int inputSize, String layer) {
    this.inner = inner;
    this.inputSize = inputSize;
    this.layer = layer;
    this.axis = new Axis(inputSize, inner.inputSize());
    this.rowPass = new float[inputSize * inner.inputSize()];
  }

  /** Whether a feature layer carries its own input size ({@code layer/size}). */
  static boolean names(String layer) {
    return layer.contains(SIZE_SEPARATOR);
  }

  /** The network's own layer name, without the size suffix. */
  static String innerLayer(String layer) {
    return layer.substring(0, layer.indexOf(SIZE_SEPARATOR));
  }

  /** The network's own input size, from the suffix. */
  static int innerSize(String layer) {
    String size = layer.substring(layer.indexOf(SIZE_SEPARATOR) + 1);
    try {
      return Integer.parseInt(size);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + layer + "': the part after " + SIZE_SEPARATOR + " is an input size in pixels", e);
    }
  }

  /**
   * @param inner the network at its own input size, which must not exceed {@code inputSize}
   */
  static ResampledImageTower of(ImageTower inner, int inputSize, String layer) {
    if (inner.inputSize() > inputSize) {
      inner.close();
      throw new IllegalArgumentException(
          layer
              + ": a tower's own size "
              + inner.inputSize()
              + " px exceeds the input's "
              + inputSize
              + " px (area averaging only shrinks)");
    }
    return new ResampledImageTower(inner, inputSize, layer);
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public int featureDim() {
    return inner.featureDim();
  }

  @Override
  public float[][] features(float[] pixels, int n) {
    int in = inputSize;
    int out = inner.inputSize();
    int planes = 3 * n;
    if (shrunk.length < planes * out * out) {
      shrunk = new float[planes * out * out];
    }
    for (int p = 0; p < planes; p++) {
      int src = p * in * in;
      // Rows first (in × out), then columns (out × out).
      for (int y = 0; y < in; y++) {
        axis.shrink(pixels, src + y * in, 1, rowPass, y * out, 1);
      }
      for (int x = 0; x < out; x++) {
        axis.shrink(rowPass, x, out, shrunk, p * out * out + x, out);
      }
    }
    return inner.features(shrunk, n);
  }

  @Override
  public void close() {
    inner.close();
  }

  /**
   * One axis of an area shrink from {@code in} to {@code out} samples: output {@code o} covers
   * input [o · in/out, (o + 1) · in/out), each input sample weighted by how much of it lies inside.
   */
  static final class Axis {
    private final int[] first;
    private final float[][] weights;

    Axis(int in, int out) {
      first = new int[out];
      weights = new float[out][];
      double scale = (double) in / out;
      for (int o = 0; o < out; o++) {
        double start = o * scale;
        double end = start + scale;
        int lo = (int) Math.floor(start);
        int hi = Math.min(in, (int) Math.ceil(end));
        first[o] = lo;
        weights[o] = new float[hi - lo];
        for (int i = lo; i < hi; i++) {
          weights[o][i - lo] = (float) ((Math.min(end, i + 1) - Math.max(start, i)) / scale);
        }
      }
    }

    /**
     * Shrinks one line: {@code src[srcOffset + i · srcStride]} into {@code dst[dstOffset + o ·
     * dstStride]}.
     */
    void shrink(
        float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride) {
      for (int o = 0; o < first.length; o++) {
        float[] w = weights[o];
        int base = srcOffset + first[o] * srcStride;
        float sum = 0;
        for (int k = 0; k < w.length; k++) {
          sum += w[k] * src[base + k * srcStride];
        }
        dst[dstOffset + o * dstStride] = sum;
      }
    }
  }
}
