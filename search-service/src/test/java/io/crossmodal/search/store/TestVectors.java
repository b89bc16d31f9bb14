package io.crossmodal.search.store;

import java.util.Random;

/** Random unit vectors for the search-service tests. */
public final class TestVectors {
  private TestVectors() {}

  public static float[] unit(Random r, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
