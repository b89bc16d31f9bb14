package io.crossmodal.search.store;

import java.util.Arrays;

/**
 * The int8 copy of a {@link VectorIndex}'s rows for its prefilter: per row the codes (one byte per
 * dimension), their scale, and a bound on how far a score from the codes can be from the float
 * score. Not thread safe.
 */
final class Int8Codes {
  private final int dim;

  /** Relative float error of a dim-term dot product, γ = n·u / (1 − n·u), u = 2^-24. */
  private final double gamma;

  private byte[] codes;
  private float[] scale;
  private float[] bound;

  Int8Codes(int dim, int capacity) {
    this.dim = dim;
    this.gamma = dim * 0x1p-24 / (1 - dim * 0x1p-24);
    codes = new byte[capacity * dim];
    scale = new float[capacity];
    bound = new float[capacity];
  }

  void grow(int capacity) {
    codes = Arrays.copyOf(codes, capacity * dim);
    scale = Arrays.copyOf(scale, capacity);
    bound = Arrays.copyOf(bound, capacity);
  }

  long bytes() {
    return codes.length + 8L * scale.length;
  }

  /** The rows' codes, row-major, for {@link DotProductKernel#codeDots}. */
  byte[] codes() {
    return codes;
  }

  float scale(int slot) {
    return scale[slot];
  }

  /** Multiplied by ‖q‖: how far the codes' score of the slot can be from its float score. */
  float bound(int slot) {
    return bound[slot];
  }

  /**
   * codes = round(v / scale) with scale = max|v| / 127; bound = ‖v − scale·codes‖ plus the float
   * error of both dot products (γ·‖v‖ each, with the codes' norm ≤ ‖v‖ + residual) and of the
   * products and sums of the check, with a 0.1 % margin. Multiplied by ‖q‖ at query time
   * (Cauchy–Schwarz).
   */
  void quantize(int slot, float[] v) {
    double max = 0;
    double norm2 = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
      norm2 += (double) x * x;
    }
    double s = max / 127;
    double residual2 = 0;
    int base = slot * dim;
    for (int d = 0; d < dim; d++) {
      int c = s == 0 ? 0 : (int) Math.max(-127, Math.min(127, Math.round(v[d] / s)));
      codes[base + d] = (byte) c;
      double r = v[d] - (float) s * (double) c;
      residual2 += r * r;
    }
    double norm = Math.sqrt(norm2);
    double residual = Math.sqrt(residual2);
    scale[slot] = (float) s;
    bound[slot] =
        Math.nextUp((float) ((residual + gamma * (2 * norm + residual) + 0x1p-22 * norm) * 1.001));
  }

  void clear(int slot) {
    Arrays.fill(codes, slot * dim, slot * dim + dim, (byte) 0);
    scale[slot] = 0;
    bound[slot] = 0;
  }
}
