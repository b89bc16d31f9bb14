package io.crossmodal.common.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatherTest {
  private record Part(List<Hit> hits, List<Hit> lexicalHits, double searchMillis)
      implements ShardLists {}

  private static Hit hit(String id, float score) {
    return new Hit(id, "image", score, null);
  }

  @Test
  void shouldRankTheUnionOfThePartsAndKeepTheSlowestScan() {
    Gather.Gathered g =
        Gather.of(
            SearchMode.VECTOR,
            3,
            List.of(
                new Part(List.of(hit("a", 0.9f), hit("d", 0.1f)), null, 4.0),
                new Part(List.of(hit("c", 0.5f), hit("b", 0.5f)), null, 7.5),
                new Part(List.of(), null, 1.0)));
    assertEquals(
        List.of("a", "b", "c"), g.hits().stream().map(Hit::id).toList(), "best 3, ties by id");
    assertEquals(7.5, g.slowestMillis());
  }

  @Test
  void shouldFuseEveryPartsWordsWithEveryPartsVectors() {
    // "x" is second by vector on one part and first by words on another: fused, it wins.
    Gather.Gathered g =
        Gather.of(
            SearchMode.HYBRID,
            2,
            List.of(
                new Part(List.of(hit("a", 0.9f), hit("x", 0.8f)), List.of(), 1),
                new Part(List.of(), List.of(hit("x", 3f), hit("y", 2f)), 2)));
    assertEquals(List.of("x", "a"), g.hits().stream().map(Hit::id).toList());
    assertEquals(List.of("vector", "lexical"), List.copyOf(g.hits().get(0).signals().keySet()));
  }
}
