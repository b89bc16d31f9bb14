package io.crossmodal.encoder.internal.processor;

import io.crossmodal.common.event.EncodedQuery;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.query.Sharding;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The scatter step of the topic route: a query of {@code search.queries} becomes records of the
 * encoded-queries topic, one per shard (partition p is read by shard p), or, for a query by
 * example, one to the shard that holds the example, which fans it out again with the example's
 * vector ({@code ShardProcessor}). A query that cannot be encoded becomes a one-shard error answer,
 * so the merge step ends the client's wait with it. Not thread safe (as {@link EncodedBatch}).
 */
final class QueryFanOut {
  private final Topics topics;
  private final String modelId;
  private final EncoderMetrics metrics;

  QueryFanOut(Topics topics, String modelId, EncoderMetrics metrics) {
    this.topics = topics;
    this.modelId = modelId;
    this.metrics = metrics;
  }

  /**
   * @param encodeMillis the encode time of the query's batch, reported in the result's timings
   */
  void toEveryShard(
      ConsumerRecord<byte[], byte[]> source,
      SearchQuery q,
      float[] vector,
      double encodeMillis,
      int partitions,
      EncodedBatch out) {
    for (int partition = 0; partition < partitions; partition++) {
      EncodedQuery eq =
          new EncodedQuery(
              key(source),
              modelId,
              vector,
              null,
              q.k(),
              q.target().wireName(),
              q.source(),
              q.tags(),
              partition,
              partitions,
              source.timestamp(),
              encodeMillis,
              q.text(),
              q.mode().wireName(),
              q.after());
      send(source, partition, eq, out);
    }
    metrics.recordOut(topics.encodedQueries.name());
  }

  /** A query by example, to the one shard whose partition holds the example's id. */
  void toExampleOwner(
      ConsumerRecord<byte[], byte[]> source, SearchQuery q, int partitions, EncodedBatch out) {
    int owner = Sharding.shardOf(q.mediaId(), partitions);
    EncodedQuery eq =
        new EncodedQuery(
            key(source),
            modelId,
            null,
            q.mediaId(),
            q.k(),
            q.target().wireName(),
            q.source(),
            q.tags(),
            owner,
            partitions,
            source.timestamp(),
            0,
            null,
            null,
            q.after());
    send(source, owner, eq, out);
    metrics.recordOut(topics.encodedQueries.name());
  }

  /** The query's only answer: its error, as one shard of one. */
  void error(ConsumerRecord<byte[], byte[]> source, String message, EncodedBatch out) {
    ShardAnswer error =
        new ShardAnswer(
            key(source), 0, 1, 0, modelId, List.of(), message, source.timestamp(), 0, 0);
    out.add(
        source,
        new ProducerRecord<>(
            topics.shardAnswers.name(),
            source.key(),
            topics.shardAnswers.encodeValue(Json.write(error))));
    metrics.recordOut(topics.shardAnswers.name());
  }

  private void send(
      ConsumerRecord<byte[], byte[]> source, int partition, EncodedQuery eq, EncodedBatch out) {
    out.add(
        source,
        new ProducerRecord<>(
            topics.encodedQueries.name(),
            partition,
            source.key(),
            topics.encodedQueries.encodeValue(Json.write(eq))));
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }
}
