package io.crossmodal.model.eval;

import java.util.SplittableRandom;

/** The chance baseline: independent uniform scores from a fixed seed. */
public final class RandomScorer implements PairScorer {
  private final long seed;

  public RandomScorer(long seed) {
    this.seed = seed;
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public float[][] score(RetrievalSet set) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] s = new float[set.images().size()][set.captions().size()];
    for (float[] row : s) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextDouble();
      }
    }
    return s;
  }
}
