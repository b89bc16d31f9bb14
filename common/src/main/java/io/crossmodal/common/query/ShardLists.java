package io.crossmodal.common.query;

import java.util.List;

/**
 * What the gather step takes from each part of a scatter: one shard's answer on the topic route
 * ({@code ShardAnswer}), one instance's answer over its shards on the direct route ({@code
 * PartialAnswer}).
 */
public interface ShardLists {
  /** Best first by vector score, at most {@link Fusion#window} long. */
  List<Hit> hits();

  /** Best first by BM25 score, likewise; null when the query's mode does not use words. */
  List<Hit> lexicalHits();

  /** The slowest scan behind these lists. */
  double searchMillis();
}
