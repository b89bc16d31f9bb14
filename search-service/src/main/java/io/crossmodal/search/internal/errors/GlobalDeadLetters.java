package io.crossmodal.search.internal.errors;

import io.crossmodal.search.internal.processor.CorpusStatsProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Dead letters of the global store's processor, exactly once across all search instances and
 * restarts, although every instance reads (and refuses) every record of the topic, and replays it
 * after a crash.
 *
 * <p>A consumer group of its own records how far the topic has been dead-lettered: a refused record
 * at offset O is written, with its tombstone, in one transaction that also commits the group's
 * offset O + 1. Every instance uses the same transactional id, so the instance that starts a
 * transaction fences (and aborts) any other's; it then reads the group's committed offset, stable
 * (pending transactions resolved), and writes only when the record is not behind it. Two instances
 * refusing one record therefore write one dead letter; an instance that crashes mid-way leaves an
 * aborted transaction, and the record is dead-lettered when it is read again. Refused records are
 * rare (no shard writes one), so a producer per refusal is cheap enough.
 */
public final class GlobalDeadLetters implements CorpusStatsProcessor.Refusals, AutoCloseable {
  private static final int ATTEMPTS = 10;
  private final Map<String, Object> producerProperties;
  private final Admin admin;
  private final String group;

  /**
   * @param applicationId the search service's application id: the group and transactional id derive
   *     from it
   */
  public GlobalDeadLetters(
      Map<String, Object> producerProperties,
      Map<String, Object> adminProperties,
      String applicationId) {
    this.group = applicationId + "-lexical-stats-dead-letters";
    this.producerProperties = new HashMap<>(producerProperties);
    this.producerProperties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
    this.admin = Admin.create(adminProperties);
  }

  @Override
  public synchronized void refuse(
      String topic,
      int partition,
      long offset,
      ProducerRecord<byte[], byte[]> deadLetter,
      ProducerRecord<byte[], byte[]> tombstone) {
    TopicPartition tp = new TopicPartition(topic, partition);
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              producerProperties, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer
            .initTransactions(); // fences any other instance's producer of this id, aborting its
        // transaction
        if (committed(tp) > offset) {
          return; // dead-lettered before: by another instance, or by this one before a restart
        }
        producer.beginTransaction();
        producer.send(deadLetter);
        if (tombstone != null) {
          producer.send(tombstone);
        }
        producer.sendOffsetsToTransaction(
            Map.of(tp, new OffsetAndMetadata(offset + 1)), new ConsumerGroupMetadata(group));
        producer.commitTransaction();
        return;
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        last = e; // another instance took over meanwhile: look again whether it wrote this one
      }
    }
    throw new IllegalStateException(
        "could not dead-letter "
            + topic
            + "-"
            + partition
            + "@"
            + offset
            + " after "
            + ATTEMPTS
            + " attempts",
        last);
  }

  /** The group's committed offset of {@code tp} once no transaction is pending, or 0. */
  private long committed(TopicPartition tp) {
    try {
      OffsetAndMetadata m =
          admin
              .listConsumerGroupOffsets(
                  Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))),
                  new ListConsumerGroupOffsetsOptions().requireStable(true))
              .partitionsToOffsetAndMetadata(group)
              .get(30, TimeUnit.SECONDS)
              .get(tp);
      return m == null ? 0 : m.offset();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot read the dead-letter progress of group " + group + ": " + e, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
