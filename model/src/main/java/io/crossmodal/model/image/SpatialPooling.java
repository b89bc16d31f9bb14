package io.crossmodal.model.image;

import java.util.Locale;

/**
 * Ways to pool a 1×1 feature layer's activation map into one vector, computed from the cached
 * spatial input of that layer and its pretrained weights ({@link MobileNetV2Graph#pretrained}): a
 * study of the model issue (which pooling carries most meaning), named in a feature layer as {@code
 * block_13_expand@max}. {@link #MEAN} is what both runtimes compute; the others are not served (an
 * {@link ImageRuntime} refuses them), so a model trained on one is for evaluation only.
 */
public enum SpatialPooling {
  /** The mean over all positions: the towers' own pooling. */
  MEAN,
  /** The maximum over all positions. */
  MAX,
  /** Generalised mean with p = 3, between the mean and the maximum (image retrieval's GeM). */
  GEM,
  /** The mean and the maximum, concatenated (twice the channels). */
  MEAN_MAX,
  /**
   * Means over a 2 × 2 grid of regions, concatenated (four times the channels): where things are.
   */
  GRID2;

  private static final char SEPARATOR = '@';

  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The pooling a feature layer name asks for ({@link #MEAN} without a suffix). */
  public static SpatialPooling of(String featureLayer) {
    int at = featureLayer.indexOf(SEPARATOR);
    if (at < 0) {
      return MEAN;
    }
    String key = featureLayer.substring(at + 1);
    for (SpatialPooling p : values()) {
      if (p.key().equals(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown pooling '"
            + key
            + "' in "
            + featureLayer
            + "; one of mean, max, gem, mean-max, grid2");
  }

  /** The tower layer a feature layer name pools. */
  public static String layer(String featureLayer) {
    int at = featureLayer.indexOf(SEPARATOR);
    return at < 0 ? featureLayer : featureLayer.substring(0, at);
  }

  public int dim(int channels) {
    return switch (this) {
      case MEAN, MAX, GEM -> channels;
      case MEAN_MAX -> 2 * channels;
      case GRID2 -> 4 * channels;
    };
  }

  /**
   * @param input the layer's input, channel-first [in, side, side]
   * @return the pooled activation relu6(W·x + b) of every position
   */
  public float[] pool(TunedLayer layer, float[] input) {
    int in = layer.in();
    int out = layer.out();
    int positions = input.length / in;
    int side = (int) Math.round(Math.sqrt(positions));
    if (side * side * in != input.length) {
      throw new IllegalArgumentException(
          "input of " + input.length + " values is not " + in + " square channels");
    }
    float[] activation = new float[positions * out];
    for (int p = 0; p < positions; p++) {
      for (int o = 0; o < out; o++) {
        activation[p * out + o] = layer.bias()[o];
      }
      for (int i = 0; i < in; i++) {
        float x = input[i * positions + p];
        for (int o = 0; o < out; o++) {
          activation[p * out + o] += x * layer.kernel()[i * out + o];
        }
      }
      for (int o = 0; o < out; o++) {
        activation[p * out + o] = Math.min(6f, Math.max(0f, activation[p * out + o]));
      }
    }
    float[] pooled = new float[dim(out)];
    for (int o = 0; o < out; o++) {
      double sum = 0;
      double cubes = 0;
      float max = 0;
      double[] cells = new double[4];
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          float a = activation[(y * side + x) * out + o];
          sum += a;
          cubes += (double) a * a * a;
          max = Math.max(max, a);
          cells[(2 * y / side) * 2 + 2 * x / side] += a;
        }
      }
      switch (this) {
        case MEAN -> pooled[o] = (float) (sum / positions);
        case MAX -> pooled[o] = max;
        case GEM -> pooled[o] = (float) Math.cbrt(cubes / positions);
        case MEAN_MAX -> {
          pooled[o] = (float) (sum / positions);
          pooled[out + o] = max;
        }
        case GRID2 -> {
          for (int c = 0; c < 4; c++) {
            // An odd side gives the upper and left cells one row or column more; the mean is per
            // cell.
            int rows = (c / 2 == 0) ? (side + 1) / 2 : side / 2;
            int cols = (c % 2 == 0) ? (side + 1) / 2 : side / 2;
            pooled[c * out + o] = (float) (cells[c] / (rows * cols));
          }
        }
      }
    }
    return pooled;
  }
}
