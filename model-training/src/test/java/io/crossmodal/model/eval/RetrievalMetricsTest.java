package io.crossmodal.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrievalMetricsTest {
  @Test
  void shouldCountRecallAtKAndMedianRankWhenRanksAreKnown() {
    float[][] scores = {
      {0.9f, 0.1f, 0.2f}, // relevant 0 ranks 1
      {0.9f, 0.1f, 0.2f}, // relevant 2 ranks 2
      {0.9f, 0.1f, 0.2f}, // relevant 1 ranks 3
    };
    RetrievalMetrics.Recall r =
        RetrievalMetrics.of(scores, List.of(Set.of(0), Set.of(2), Set.of(1)));
    assertEquals(1 / 3.0, r.r1(), 1e-9);
    assertEquals(1.0, r.r5(), 1e-9);
    assertEquals(2.0, r.medianRank(), 1e-9);
    assertEquals(3, r.queries());
  }

  @Test
  void shouldUseTheBestRelevantItemWhenSeveralAreRelevant() {
    assertEquals(1, RetrievalMetrics.bestRank(new float[] {0.1f, 0.8f, 0.5f}, Set.of(0, 1)));
  }

  @Test
  void shouldCountTiesAgainstTheQueryWhenScoresAreEqual() {
    assertEquals(3, RetrievalMetrics.bestRank(new float[] {0.5f, 0.5f, 0.5f}, Set.of(1)));
  }
}
