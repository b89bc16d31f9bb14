package io.crossmodal.model.joint;

/** Unit length for embeddings of the shared space (cosine similarity is then a dot product). */
public final class UnitVectors {
  private UnitVectors() {}

  /** Scales {@code v} in place to L2 norm 1 (a zero vector stays zero) and returns it. */
  public static float[] normalise(float[] v) {
    double norm = 0;
    for (float y : v) {
      norm += (double) y * y;
    }
    float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
    for (int j = 0; j < v.length; j++) {
      v[j] *= inv;
    }
    return v;
  }
}
