package io.crossmodal.search.internal.topology;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.internal.errors.StreamsDeadLetterHandler;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.processor.AnswerMerger;
import io.crossmodal.search.internal.processor.CorpusStatsProcessor;
import io.crossmodal.search.internal.processor.ShardProcessor;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.lexical.CorpusStats;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The search service's topology, a pure function of its inputs (used by main, tests and
 * benchmarks):
 *
 * <pre>
 * embeddings ─┐
 *             ├─► ShardProcessor [vectors store] ─► shard answers ─► AnswerMerger [pending store] ─► search.results
 * encoded q. ─┘         │ ▲ term counts
 *                       ▼ │
 *           lexical stats ─► CorpusStatsProcessor [global store] (on every instance)
 * </pre>
 *
 * A record any processor rejects or fails on goes to {@code search.dlq} through the streams
 * exception handlers ({@code StreamsDeadLetterHandler}), which the service's streams properties
 * name.
 *
 * <p>The encoded-queries topic must have as many partitions as {@code embeddings} (co-partitioned):
 * shard p answers the copy of each query written to partition p.
 */
public final class SearchTopology {
  /**
   * The processors read values as bytes and decode them with the topic's serde themselves: one
   * shard processor reads two topics of different value types, and a value that does not decode is
   * dead-lettered with the processor's reason rather than a deserializer's.
   */
  private static final Deserializer<byte[]> RAW = new ByteArrayDeserializer();

  private SearchTopology() {}

  /**
   * What the topology is built for.
   *
   * @param kMax largest {@code k} a query may ask for
   * @param mergeTimeoutMillis the merge step emits a partial answer after this
   * @param qualityEvery check every n-th answer of a shard against a reference scan (0 = never)
   * @param int8Prefilter shards keep an int8 copy of their vectors to prefilter scans (same
   *     results)
   * @param afterTimeoutMillis a query with {@code after} waits this long at most for its positions
   */
  public record Settings(
      String modelId,
      int dim,
      int kMax,
      long mergeTimeoutMillis,
      int qualityEvery,
      boolean int8Prefilter,
      long afterTimeoutMillis) {}

  /**
   * @param localShards where running shards publish their index for the HTTP search
   * @param corpus the whole index's term statistics, kept by the global store's processor on this
   *     instance
   * @param deadLetters the service's dead letters; {@code globalDeadLetters} writes those of the
   *     global store and their tombstones (see {@link CorpusStatsProcessor})
   */
  public static Topology build(
      Topics topics,
      Settings s,
      SearchMetrics metrics,
      LocalShards localShards,
      CorpusStats corpus,
      DeadLetters deadLetters,
      CorpusStatsProcessor.Refusals globalDeadLetters) {
    Topology t = new Topology();
    // Persistent, so a restart resumes the topic from its checkpoint instead of reading (and
    // refusing again) every record since the last compaction.
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CorpusStatsProcessor.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        "lexical-stats",
        topics.lexicalStats.keySerde().deserializer(),
        topics.lexicalStats.valueSerde().deserializer(),
        topics.lexicalStats.name(),
        "lexical-stats-follower",
        () ->
            new CorpusStatsProcessor(
                corpus, topics.lexicalStats.name(), deadLetters, globalDeadLetters));
    t.addSource(
        "embeddings", topics.embeddings.keySerde().deserializer(), RAW, topics.embeddings.name());
    t.addSource(
        "encoded-queries",
        topics.encodedQueries.keySerde().deserializer(),
        RAW,
        topics.encodedQueries.name());
    t.addProcessor(
        "shard",
        () ->
            new ShardProcessor(
                topics.embeddings,
                s.modelId(),
                s.dim(),
                s.kMax(),
                s.qualityEvery(),
                s.int8Prefilter(),
                metrics,
                localShards,
                corpus,
                s.afterTimeoutMillis()),
        "embeddings",
        "encoded-queries");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ShardProcessor.WATERMARKS),
            Serdes.String(),
            Serdes.Long()),
        "shard");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ShardProcessor.STORE),
            Serdes.String(),
            Serdes.ByteArray()),
        "shard");
    t.addSink(
        ShardProcessor.ANSWERS,
        topics.shardAnswers.name(),
        topics.shardAnswers.keySerde().serializer(),
        topics.shardAnswers.valueSerde().serializer(),
        "shard");
    t.addSink(
        ShardProcessor.FAN_OUT,
        topics.encodedQueries.name(),
        topics.encodedQueries.keySerde().serializer(),
        topics.encodedQueries.valueSerde().serializer(),
        new AllPartitions<String, String>(),
        "shard");
    t.addSink(
        ShardProcessor.STATS,
        topics.lexicalStats.name(),
        topics.lexicalStats.keySerde().serializer(),
        topics.lexicalStats.valueSerde().serializer(),
        "shard");

    t.addSource(
        "shard-answers",
        topics.shardAnswers.keySerde().deserializer(),
        RAW,
        topics.shardAnswers.name());
    t.addProcessor(
        "merge",
        () -> new AnswerMerger(s.mergeTimeoutMillis(), s.kMax(), metrics),
        "shard-answers");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(AnswerMerger.STORE), Serdes.String(), Serdes.String()),
        "merge");
    t.addSink(
        "results",
        topics.results.name(),
        topics.results.keySerde().serializer(),
        topics.results.valueSerde().serializer(),
        "merge");
    return t;
  }

  /**
   * The streams properties that route every processing, deserialization and unwritable-output error
   * of this topology to {@code deadLetters}; used by the service and by topology tests alike.
   */
  public static Map<String, Object> errorHandling(DeadLetters deadLetters) {
    return Map.of(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        StreamsDeadLetterHandler.class,
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        StreamsDeadLetterHandler.class,
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        StreamsDeadLetterHandler.class,
        // A failure in the statistics' global store costs its record, not the global thread (which
        // does not send dead letters: CorpusStatsProcessor sends its own).
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG,
        true,
        // Again for the main consumer: its partition assignor reads a StreamsConfig of the
        // consumer's settings alone, which drop this key, and would warn at every start that the
        // handler is off for the global thread (Kafka Streams 4.4). Prefixed settings reach it.
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true,
        StreamsDeadLetterHandler.DEAD_LETTERS,
        deadLetters);
  }
}
