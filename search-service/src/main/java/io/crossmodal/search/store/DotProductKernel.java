package io.crossmodal.search.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dot products of one query against consecutive rows of a contiguous float slab: the hot loop of
 * exact search. Uses the Java Vector API when {@code jdk.incubator.vector} is present, else a
 * scalar loop; the choice is made once and logged with its reason.
 */
public abstract class DotProductKernel {
  private static final Logger LOG = LoggerFactory.getLogger(DotProductKernel.class);
  private static final DotProductKernel BEST = choose();

  /** The fastest kernel available in this JVM. */
  public static DotProductKernel best() {
    return BEST;
  }

  public static DotProductKernel scalar() {
    return new ScalarKernel();
  }

  public abstract String name();

  /** Writes {@code out[r] = dot(query, slab[(first + r) * dim … + dim))} for {@code r < rows}. */
  public abstract void dots(float[] query, float[] slab, int dim, int first, int rows, float[] out);

  /**
   * Dot products of several queries against the same rows, reading each row from memory once:
   * {@code out[q][r] = dot(queries[q], row first + r)}. Default: one pass per query.
   */
  public void dotsBatch(
      float[][] queries, float[] slab, int dim, int first, int rows, float[][] out) {
    for (int q = 0; q < queries.length; q++) {
      dots(queries[q], slab, dim, first, rows, out[q]);
    }
  }

  /**
   * Dot products of one query against consecutive rows of int8 codes (the quantised copy of the
   * slab): {@code out[r] = Σ query[d] · codes[(first + r) * dim + d]}, in float.
   */
  public void codeDots(float[] query, byte[] codes, int dim, int first, int rows, float[] out) {
    for (int r = 0; r < rows; r++) {
      int base = (first + r) * dim;
      float s0 = 0;
      float s1 = 0;
      int d = 0;
      for (; d + 1 < dim; d += 2) {
        s0 += query[d] * codes[base + d];
        s1 += query[d + 1] * codes[base + d + 1];
      }
      for (; d < dim; d++) {
        s0 += query[d] * codes[base + d];
      }
      out[r] = s0 + s1;
    }
  }

  private static DotProductKernel choose() {
    if (Boolean.getBoolean("crossmodal.scalar")) {
      LOG.info("vector search kernel: scalar (forced by -Dcrossmodal.scalar=true)");
      return new ScalarKernel();
    }
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      DotProductKernel k =
          (DotProductKernel)
              Class.forName("io.crossmodal.search.store.SimdKernel")
                  .getDeclaredConstructor()
                  .newInstance();
      LOG.info("vector search kernel: {}", k.name());
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn(
          "vector search kernel: scalar, because the Vector API is unavailable ({}); start the JVM with "
              + "--add-modules jdk.incubator.vector for SIMD",
          e.toString());
      return new ScalarKernel();
    }
  }

  static final class ScalarKernel extends DotProductKernel {
    @Override
    public String name() {
      return "scalar";
    }

    @Override
    public void dots(float[] query, float[] slab, int dim, int first, int rows, float[] out) {
      for (int r = 0; r < rows; r++) {
        int base = (first + r) * dim;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int d = 0;
        for (; d + 3 < dim; d += 4) {
          s0 += query[d] * slab[base + d];
          s1 += query[d + 1] * slab[base + d + 1];
          s2 += query[d + 2] * slab[base + d + 2];
          s3 += query[d + 3] * slab[base + d + 3];
        }
        for (; d < dim; d++) {
          s0 += query[d] * slab[base + d];
        }
        out[r] = (s0 + s1) + (s2 + s3);
      }
    }
  }
}
