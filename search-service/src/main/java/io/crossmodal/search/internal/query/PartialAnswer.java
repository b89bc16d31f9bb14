package io.crossmodal.search.internal.query;

import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.ShardLists;
import java.util.List;

/**
 * One instance's exact top-k over the shards it answered (internal JSON between instances).
 *
 * @param hits by vector score, best first, ties by id, with metadata
 * @param partitions the shards that were scanned: a shard moved away or still restoring is missing
 * @param searchMillis the slowest of its shard scans
 * @param lexicalHits by BM25 score, likewise; null when the query's mode does not use words
 */
public record PartialAnswer(
    List<Hit> hits, List<Integer> partitions, double searchMillis, List<Hit> lexicalHits)
    implements ShardLists {
  public static final PartialAnswer NONE = new PartialAnswer(List.of(), List.of(), 0, null);
}
