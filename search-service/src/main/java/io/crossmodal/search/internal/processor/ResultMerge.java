package io.crossmodal.search.internal.processor;

import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.query.Gather;
import java.util.List;

/**
 * Shards' answers as the topic route's result, for the Kafka Streams merge step and the topic
 * route's HTTP waiter: their lists {@link Gather gathered} as the direct route's are, the first
 * error, the slowest scan.
 */
public final class ResultMerge {
  private ResultMerge() {}

  /**
   * @param answers at most one per shard, at least one
   */
  public static SearchResult merge(
      String queryId, List<ShardAnswer> answers, int shardsTotal, long nowMillis) {
    ShardAnswer first = answers.get(0);
    String error = null;
    for (ShardAnswer a : answers) {
      error = error == null ? a.error() : error;
    }
    Gather.Gathered gathered = Gather.of(first.searchMode(), first.k(), answers);
    return new SearchResult(
        queryId,
        gathered.hits(),
        first.modelId(),
        answers.size(),
        shardsTotal,
        error,
        new SearchResult.Timings(
            first.encodeMillis(), gathered.slowestMillis(), nowMillis - first.receivedAtMillis()));
  }
}
