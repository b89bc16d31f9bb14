package io.crossmodal.search.internal.shard;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shards this instance serves right now, by partition: a shard is added once its task has
 * restored and built its index, and removed when the task closes (moved to another instance, or
 * shutdown). What the HTTP search scans directly. Thread safe.
 */
public final class LocalShards {
  private final Map<Integer, LiveShard> byPartition = new ConcurrentHashMap<>();

  public void add(LiveShard shard) {
    byPartition.put(shard.partition(), shard);
  }

  /** Removes {@code shard} unless a newer shard of the same partition replaced it. */
  public void remove(LiveShard shard) {
    byPartition.remove(shard.partition(), shard);
  }

  /** The shard of {@code partition}, or null when this instance does not serve it now. */
  public LiveShard get(int partition) {
    return byPartition.get(partition);
  }

  /**
   * The vector of {@code id} from whichever shard here holds it (an id lives in one shard), or
   * null.
   */
  public float[] vectorOf(String id) {
    for (LiveShard shard : byPartition.values()) {
      float[] v = shard.vector(id);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  public List<Integer> partitions() {
    return byPartition.keySet().stream().sorted().toList();
  }
}
