package io.crossmodal.common.topic;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics the way an auditor does: every committed record, from the beginning to the current
 * end.
 */
public final class TopicReader {
  private TopicReader() {}

  /** Every committed record of {@code topicNames} (null keys included), in partition order. */
  public static void readAll(
      Config config, List<String> topicNames, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    readAll(config, topicNames, null, each);
  }

  /**
   * As {@link #readAll(Config, List, Consumer)}, giving up with an {@link IllegalStateException}
   * when the end is not reached within {@code timeout} (null: no limit).
   */
  public static void readAll(
      Config config,
      List<String> topicNames,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Map<String, Object> props = KafkaClients.consumer(config, "unused");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topicNames) {
        consumer.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      // Under read_committed these are the last stable offsets: the reader never waits on an open
      // transaction.
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topicNames + " to the end within " + timeout);
        }
        consumer.poll(Duration.ofMillis(500)).forEach(each);
      }
    }
  }
}
