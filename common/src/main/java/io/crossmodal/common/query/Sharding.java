package io.crossmodal.common.query;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which shard holds an item: shard p is partition p of the embeddings topic, and the encoder's
 * producer writes every embedding keyed by its media id with Kafka's default partitioner. The
 * scatter step of the topic route sends a query by example to that shard alone.
 */
public final class Sharding {
  private Sharding() {}

  /** Kafka's default partitioner of a string key: murmur2 of its UTF-8 bytes. */
  public static int shardOf(String mediaId, int shards) {
    return Utils.toPositive(Utils.murmur2(mediaId.getBytes(StandardCharsets.UTF_8))) % shards;
  }
}
