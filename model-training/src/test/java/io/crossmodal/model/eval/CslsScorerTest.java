package io.crossmodal.model.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class CslsScorerTest {

  @Test
  void aRowsHubnessIsTheMeanOfItsKLargestValues() {
    float[][] rows = {{0.1f, 0.9f, 0.5f, 0.7f}, {-1f, -2f, 3f, 0f}};
    assertArrayEquals(new float[] {0.8f, 1.5f}, CslsScorer.meanOfNearest(rows, 2), 1e-6f);
    assertArrayEquals(new float[] {0.9f, 3f}, CslsScorer.meanOfNearest(rows, 1), 1e-6f);
    assertArrayEquals(
        new float[] {0.55f, 0f}, CslsScorer.meanOfNearest(rows, 10), 1e-6f, "k beyond the row");
  }
}
