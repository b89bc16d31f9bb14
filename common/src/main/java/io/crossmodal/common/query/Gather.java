package io.crossmodal.common.query;

import java.util.ArrayList;
import java.util.List;

/**
 * The gather step of both routes: the union of the parts' lists, ranked by {@link Fusion}. The
 * Kafka Streams merge step, the topic route's HTTP waiter and the direct route all end here, so
 * every route ranks the same hits the same way.
 */
public final class Gather {
  private Gather() {}

  /**
   * @param hits the best {@code k}, best first
   * @param slowestMillis the slowest part's search time
   */
  public record Gathered(List<Hit> hits, double slowestMillis) {}

  public static Gathered of(SearchMode mode, int k, List<? extends ShardLists> parts) {
    List<Hit> byVector = new ArrayList<>();
    List<Hit> byWords = new ArrayList<>();
    double slowest = 0;
    for (ShardLists part : parts) {
      byVector.addAll(part.hits());
      if (part.lexicalHits() != null) {
        byWords.addAll(part.lexicalHits());
      }
      slowest = Math.max(slowest, part.searchMillis());
    }
    return new Gathered(Fusion.rank(mode, k, byVector, byWords), slowest);
  }
}
