package io.crossmodal.local;

import java.util.random.RandomGenerator;

/** Random unit vectors (Gaussian direction), the stand-in data of benchmarks and store tests. */
public final class RandomVectors {
  private RandomVectors() {}

  public static float[] unit(RandomGenerator random, int dim) {
    float[] v = new float[dim];
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < dim; d++) {
      v[d] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
