package io.crossmodal.search.internal.query;

import io.crossmodal.common.http.HttpError;
import java.util.List;
import java.util.Map;

/** Which instance serves which shard: what a direct search needs to know to ask its peers. */
public interface ShardOwners {
  /** The shard that holds an id, and the instance serving it ("host:port"), null when none. */
  record Owner(int partition, String hostPort, boolean local) {}

  /**
   * Other instances and the shards each serves, each shard under one instance only; a 503 when
   * unknown yet.
   */
  Map<String, List<Integer>> peers() throws HttpError;

  /** The shard holding {@code id} and who serves it; a 503 when unknown yet. */
  Owner ownerOf(String id) throws HttpError;
}
