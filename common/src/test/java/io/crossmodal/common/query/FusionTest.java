package io.crossmodal.common.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionTest {
  private static Hit hit(String id, float score) {
    return new Hit(id, "image", score, null);
  }

  private static List<Hit> list(Hit... hits) {
    return new ArrayList<>(List.of(hits));
  }

  @Test
  void shouldRankOneSignalBySignalScoreAndSayWhichSignal() {
    List<Hit> out =
        Fusion.rank(
            SearchMode.VECTOR,
            2,
            list(hit("b", 0.5f), hit("a", 0.5f), hit("c", 0.9f)),
            list(hit("z", 9)));
    assertEquals(List.of("c", "a"), out.stream().map(Hit::id).toList(), "best first, ties by id");
    assertEquals(Map.of("vector", 0.9f), out.get(0).signals());
    out = Fusion.rank(SearchMode.LEXICAL, 5, list(hit("c", 0.9f)), list(hit("z", 9), hit("y", 12)));
    assertEquals(List.of("y", "z"), out.stream().map(Hit::id).toList());
    assertEquals(Map.of("lexical", 12f), out.get(0).signals());
  }

  @Test
  void shouldFuseByReciprocalRank() {
    // vector: a b c d ; lexical: d c x. d: 1/64 + 1/61, c: 1/63 + 1/62, a: 1/61, x: 1/63.
    List<Hit> out =
        Fusion.rank(
            SearchMode.HYBRID,
            4,
            list(hit("a", 0.9f), hit("b", 0.8f), hit("c", 0.7f), hit("d", 0.6f)),
            list(hit("d", 8), hit("c", 5), hit("x", 1)));
    assertEquals(List.of("d", "c", "a", "b"), out.stream().map(Hit::id).toList());
    assertEquals((float) (1.0 / 64 + 1.0 / 61), out.get(0).score(), 1e-7);
    assertEquals(Map.of("vector", 0.6f, "lexical", 8f), out.get(0).signals());
    assertEquals(Map.of("vector", 0.9f), out.get(2).signals());
  }

  @Test
  void shouldCutEachSignalToTheWindowBeforeFusing() {
    List<Hit> vector = new ArrayList<>();
    for (int i = 0; i < Fusion.HYBRID_WINDOW + 5; i++) {
      vector.add(hit(String.format("v%03d", i), 1 - i / 1000f));
    }
    vector.add(hit("both", 0.001f)); // last by vector: outside the window, so found by words alone
    List<Hit> out = Fusion.rank(SearchMode.HYBRID, 10, vector, list(hit("both", 3)));
    assertEquals(10, out.size());
    assertEquals(
        "both", out.get(0).id(), "1/61 by words, tied with the vector's first, ties by id");
    Hit both = out.stream().filter(h -> h.id().equals("both")).findFirst().orElseThrow();
    assertEquals(Map.of("lexical", 3f), both.signals());
    assertEquals(Fusion.HYBRID_WINDOW, Fusion.window(SearchMode.HYBRID, 10));
    assertEquals(10, Fusion.window(SearchMode.VECTOR, 10));
  }
}
