package io.crossmodal.search.internal.query;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.topic.Topic;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where each shard runs, from Kafka Streams' own metadata (every instance advertises its HTTP
 * address as {@code application.server}): the peers to ask and which shards each serves actively. A
 * 503 (retry) while Kafka Streams is not running yet. Thread safe.
 */
public final class ShardDirectory implements ShardOwners {
  private final KafkaStreams streams;
  private final Topic<String, EmbeddingRecord> embeddings;
  private final String store;
  private final HostInfo self;

  public ShardDirectory(
      KafkaStreams streams,
      Topic<String, EmbeddingRecord> embeddings,
      String store,
      HostInfo self) {
    this.streams = streams;
    this.embeddings = embeddings;
    this.store = store;
    this.self = self;
  }

  /**
   * Other instances and the shards each serves, each shard under one instance only (while a shard
   * moves, two may list it for a moment; the first wins, and the answer says which shards replied).
   */
  @Override
  public Map<String, List<Integer>> peers() throws HttpError {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    Set<Integer> taken = new TreeSet<>();
    Collection<StreamsMetadata> all;
    try {
      all = streams.metadataForAllStreamsClients();
    } catch (RuntimeException e) {
      throw notRunning(e);
    }
    for (StreamsMetadata m : all) {
      if (m.hostInfo().equals(self)) {
        continue;
      }
      List<Integer> partitions =
          m.topicPartitions().stream()
              .filter(tp -> tp.topic().equals(embeddings.name()))
              .map(TopicPartition::partition)
              .filter(taken::add)
              .sorted()
              .toList();
      if (!partitions.isEmpty()) {
        out.put(m.hostInfo().host() + ":" + m.hostInfo().port(), partitions);
      }
    }
    return out;
  }

  @Override
  public Owner ownerOf(String id) throws HttpError {
    KeyQueryMetadata meta;
    try {
      meta = streams.queryMetadataForKey(store, id, embeddings.keySerde().serializer());
    } catch (RuntimeException e) {
      throw notRunning(e);
    }
    if (meta == null
        || meta.partition() < 0
        || meta.activeHost() == null
        || meta.activeHost().port() < 0) {
      return new Owner(meta == null ? -1 : meta.partition(), null, false);
    }
    HostInfo host = meta.activeHost();
    return new Owner(meta.partition(), host.host() + ":" + host.port(), host.equals(self));
  }

  /**
   * Kafka Streams answers metadata questions only while it runs or rebalances: until then, retry.
   */
  private static HttpError notRunning(RuntimeException e) {
    return new HttpError(
        503, "the search service is not running yet, retry shortly (" + e.getMessage() + ")");
  }
}
