package io.crossmodal.search.processor;

import io.crossmodal.common.event.Hit;
import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.event.ShardAnswer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Merges shards' local top-k lists into the global top-k: the exact answer, because each shard's
 * top-k contains every one of its items that can be in the global top-k. One function for the
 * Kafka Streams merge step, the topic route's HTTP waiter and the direct route, so all give the
 * same ranking.
 */
public final class ResultMerge {
  private static final Comparator<Hit> BEST_FIRST = Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(Hit::id);

  private ResultMerge() {}

  /** The best {@code k} of {@code hits} (sorted in place), best first, ties by id. */
  public static List<Hit> best(List<Hit> hits, int k) {
    hits.sort(BEST_FIRST);
    return new ArrayList<>(hits.subList(0, Math.min(k, hits.size())));
  }

  /** @param answers at most one per shard, at least one */
  public static SearchResult merge(String queryId, List<ShardAnswer> answers, int shardsTotal, long nowMillis) {
    ShardAnswer first = answers.get(0);
    List<Hit> hits = new ArrayList<>();
    String error = null;
    double searchMax = 0;
    for (ShardAnswer a : answers) {
      hits.addAll(a.hits());
      error = error == null ? a.error() : error;
      searchMax = Math.max(searchMax, a.searchMillis());
    }
    return new SearchResult(queryId, best(hits, first.k()), first.modelId(), answers.size(), shardsTotal, error,
        new SearchResult.Timings(first.encodeMillis(), searchMax, nowMillis - first.receivedAtMillis()));
  }
}
