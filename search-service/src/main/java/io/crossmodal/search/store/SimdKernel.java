package io.crossmodal.search.store;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernel. The species is a {@code static final} constant and the loop lives in one
 * method: passing the species around or calling through lambdas was measured 10–100× slower.
 * Loaded reflectively by {@link DotProductKernel} so the class only links when the module exists.
 */
final class SimdKernel extends DotProductKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  @Override
  public String name() {
    return "simd-" + SPECIES.vectorBitSize() + "bit";
  }

  /** Row-major over the block: each row is loaded once while it is hot in cache for all queries. */
  @Override
  public void dotsBatch(float[][] queries, float[] slab, int dim, int first, int rows, float[][] out) {
    int lanes = SPECIES.length();
    int upper = SPECIES.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int base = (first + r) * dim;
      for (int q = 0; q < queries.length; q++) {
        float[] query = queries[q];
        FloatVector acc = FloatVector.zero(SPECIES);
        int d = 0;
        for (; d < upper; d += lanes) {
          acc = FloatVector.fromArray(SPECIES, query, d).fma(FloatVector.fromArray(SPECIES, slab, base + d), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; d < dim; d++) {
          sum += query[d] * slab[base + d];
        }
        out[q][r] = sum;
      }
    }
  }

  @Override
  public void dots(float[] query, float[] slab, int dim, int first, int rows, float[] out) {
    int lanes = SPECIES.length();
    int upper = SPECIES.loopBound(dim);
    for (int r = 0; r < rows; r++) {
      int base = (first + r) * dim;
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      int d = 0;
      for (; d + lanes < upper; d += 2 * lanes) {
        acc0 = FloatVector.fromArray(SPECIES, query, d).fma(FloatVector.fromArray(SPECIES, slab, base + d), acc0);
        acc1 = FloatVector.fromArray(SPECIES, query, d + lanes).fma(FloatVector.fromArray(SPECIES, slab, base + d + lanes), acc1);
      }
      for (; d < upper; d += lanes) {
        acc0 = FloatVector.fromArray(SPECIES, query, d).fma(FloatVector.fromArray(SPECIES, slab, base + d), acc0);
      }
      float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
      for (; d < dim; d++) {
        sum += query[d] * slab[base + d];
      }
      out[r] = sum;
    }
  }
}
