package io.crossmodal.common.topic;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.serde.EmbeddingSerde;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The registry of every topic the system reads or writes, with configurable names (see {@link
 * TopicNames}). The public contracts are in README.md; the {@code *.internal} topics carry data
 * between our own services and may change between versions.
 */
public final class Topics {
  private static final Serde<String> STRING = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  public final Topic<String, byte[]> mediaImages;
  public final Topic<String, String> mediaTexts;
  public final Topic<String, EmbeddingRecord> embeddings;

  /** Client queries, JSON ({@code SearchQuery}). */
  public final Topic<String, String> queries;

  /**
   * Encoded queries, JSON ({@code EncodedQuery}); one copy per partition, so every shard sees each
   * query.
   */
  public final Topic<String, String> encodedQueries;

  /** Per-shard top-k answers, JSON ({@code ShardAnswer}), keyed by query id for the merge step. */
  public final Topic<String, String> shardAnswers;

  /** Ranked answers, JSON ({@code SearchResult}), keyed by query id. */
  public final Topic<String, String> results;

  /**
   * Each shard's term counts (compacted, keyed {@code <shard>:<term>} and {@code <shard>#}),
   * followed by every search instance.
   */
  public final Topic<String, byte[]> lexicalStats;

  /**
   * The model control topic (compacted, one partition): deployed models and the active one ({@code
   * io.crossmodal.common.models}).
   */
  public final Topic<String, String> models;

  public final Topic<byte[], byte[]> encoderDlq;
  public final Topic<byte[], byte[]> searchDlq;

  public Topics(TopicNames n) {
    mediaImages = new Topic<>(n.mediaImages(), STRING, BYTES);
    mediaTexts = new Topic<>(n.mediaTexts(), STRING, STRING);
    embeddings = new Topic<>(n.embeddings(), STRING, new EmbeddingSerde());
    queries = new Topic<>(n.queries(), STRING, STRING);
    encodedQueries = new Topic<>(n.encodedQueries(), STRING, STRING);
    shardAnswers = new Topic<>(n.shardAnswers(), STRING, STRING);
    results = new Topic<>(n.results(), STRING, STRING);
    lexicalStats = new Topic<>(n.lexicalStats(), STRING, BYTES);
    models = new Topic<>(n.models(), STRING, STRING);
    encoderDlq = new Topic<>(n.encoderDlq(), BYTES, BYTES);
    searchDlq = new Topic<>(n.searchDlq(), BYTES, BYTES);
  }

  public static Topics defaults() {
    return new Topics(TopicNames.defaults());
  }
}
