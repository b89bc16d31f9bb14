package io.crossmodal.search.topology;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.errors.StreamsDeadLetterHandler;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import io.crossmodal.search.metrics.SearchMetrics;
import io.crossmodal.search.processor.AnswerMerger;
import io.crossmodal.search.processor.ShardProcessor;
import io.crossmodal.search.store.LocalShards;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The search service's topology, a pure function of its inputs (used by main, tests and
 * benchmarks):
 *
 * <pre>
 * embeddings ─┐
 *             ├─► ShardProcessor [vectors store] ─► shard answers ─► AnswerMerger [pending store] ─► search.results
 * encoded q. ─┘
 * </pre>
 *
 * A record any processor rejects or fails on goes to {@code search.dlq} through the streams
 * exception handlers ({@code StreamsDeadLetterHandler}), which the service's streams properties name.
 *
 * The encoded-queries topic must have as many partitions as {@code embeddings} (co-partitioned):
 * shard p answers the copy of each query written to partition p.
 */
public final class SearchTopology {
  private SearchTopology() {}

  /**
   * @param qualityEvery check every n-th answer of a shard against a reference scan (0 = never)
   * @param int8Prefilter shards keep an int8 copy of their vectors to prefilter scans (same results)
   * @param localShards where running shards publish their index for the HTTP search
   */
  public static Topology build(Topics topics, String modelId, int dim, int kMax, long mergeTimeoutMillis, int qualityEvery,
      boolean int8Prefilter, SearchMetrics metrics, LocalShards localShards) {
    Topology t = new Topology();
    t.addSource("embeddings", new StringDeserializer(), new ByteArrayDeserializer(), topics.embeddings.name());
    t.addSource("encoded-queries", new StringDeserializer(), new ByteArrayDeserializer(), topics.encodedQueries.name());
    t.addProcessor("shard", () -> new ShardProcessor(topics.embeddings.name(), modelId, dim, kMax, qualityEvery, int8Prefilter, metrics, localShards), "embeddings", "encoded-queries");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ShardProcessor.STORE), Serdes.String(), Serdes.ByteArray()),
        "shard");
    t.addSink(ShardProcessor.ANSWERS, topics.shardAnswers.name(), new StringSerializer(), new StringSerializer(), "shard");
    t.addSink(ShardProcessor.FAN_OUT, topics.encodedQueries.name(), new StringSerializer(), new StringSerializer(),
        new AllPartitions<String, String>(), "shard");

    t.addSource("shard-answers", new StringDeserializer(), new ByteArrayDeserializer(), topics.shardAnswers.name());
    t.addProcessor("merge", () -> new AnswerMerger(mergeTimeoutMillis, kMax, metrics), "shard-answers");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AnswerMerger.STORE), Serdes.String(), Serdes.String()),
        "merge");
    t.addSink("results", topics.results.name(), new StringSerializer(), new StringSerializer(), "merge");
    return t;
  }

  /**
   * The streams properties that route every processing, deserialization and unwritable-output error
   * of this topology to {@code deadLetters}; used by the service and by topology tests alike.
   */
  public static Map<String, Object> errorHandling(DeadLetters deadLetters) {
    return Map.of(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetterHandler.class,
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetterHandler.class,
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamsDeadLetterHandler.class,
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true, // the default from Kafka 5 on; no global stores here
        StreamsDeadLetterHandler.DEAD_LETTERS, deadLetters);
  }
}
