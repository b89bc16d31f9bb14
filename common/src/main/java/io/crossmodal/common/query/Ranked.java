package io.crossmodal.common.query;

import java.util.Comparator;

/**
 * Something a search ranks: a shard's kept vector match as much as a hit of the answer. One order
 * for all of them, so a shard's top k, every merge and every route rank equal scores the same way.
 */
public interface Ranked {
  String id();

  float score();

  /** Best first: the higher score, then the smaller id. */
  static <T extends Ranked> Comparator<T> bestFirst() {
    return Comparator.comparingDouble((T r) -> -r.score()).thenComparing(Ranked::id);
  }
}
