package io.crossmodal.common.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one order of ranked lists: higher score first, equal scores by the smaller id. */
class RankedTest {
  @Test
  void shouldRankByScoreThenById() {
    List<Hit> hits =
        new ArrayList<>(
            List.of(
                new Hit("b", "image", 0.5f, null),
                new Hit("c", "image", 0.9f, null),
                new Hit("a", "image", 0.5f, null),
                new Hit("d", "image", -0.1f, null)));
    hits.sort(Ranked.bestFirst());
    assertEquals(List.of("c", "a", "b", "d"), hits.stream().map(Hit::id).toList());
    List<Hit> reversed = new ArrayList<>(hits);
    Collections.reverse(reversed);
    assertEquals(hits, Fusion.best(reversed, 4), "Fusion ranks the same way");
  }
}
