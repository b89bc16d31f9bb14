package io.crossmodal.search.processor;

import io.crossmodal.common.event.Fusion;
import io.crossmodal.common.event.Hit;
import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.event.ShardAnswer;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges shards' answers into the result for the Kafka Streams merge step and the topic route's
 * HTTP waiter: the union of their lists, ranked by {@link Fusion} (as the direct route does), so
 * every route gives the same ranking.
 */
public final class ResultMerge {
  private ResultMerge() {}

  /**
   * @param answers at most one per shard, at least one
   */
  public static SearchResult merge(
      String queryId, List<ShardAnswer> answers, int shardsTotal, long nowMillis) {
    ShardAnswer first = answers.get(0);
    List<Hit> hits = new ArrayList<>();
    List<Hit> lexical = new ArrayList<>();
    String error = null;
    double searchMax = 0;
    for (ShardAnswer a : answers) {
      hits.addAll(a.hits());
      if (a.lexicalHits() != null) {
        lexical.addAll(a.lexicalHits());
      }
      error = error == null ? a.error() : error;
      searchMax = Math.max(searchMax, a.searchMillis());
    }
    return new SearchResult(
        queryId,
        Fusion.rank(first.searchMode(), first.k(), hits, lexical),
        first.modelId(),
        answers.size(),
        shardsTotal,
        error,
        new SearchResult.Timings(
            first.encodeMillis(), searchMax, nowMillis - first.receivedAtMillis()));
  }
}
