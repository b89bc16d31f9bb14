package io.crossmodal.common.config;

import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.topic.TopicNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Kafka client settings derived from {@link Config}, and topic creation with suitable configs. */
public final class KafkaClients {
  private KafkaClients() {}

  /** Idempotent, {@code acks=all}, large records allowed. */
  public static Map<String, Object> producer(Config c) {
    Map<String, Object> p = new HashMap<>(c.kafkaClientProperties());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("max.request.size", c.getInt("topic.max.message.bytes"));
    p.put("compression.type", "lz4");
    p.put("linger.ms", 5);
    return p;
  }

  /** Reads only committed data; offsets are committed by the application. */
  public static Map<String, Object> consumer(Config c, String groupId) {
    Map<String, Object> p = new HashMap<>(c.kafkaClientProperties());
    p.put("group.id", groupId);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("max.partition.fetch.bytes", c.getInt("topic.max.message.bytes"));
    p.put("fetch.max.bytes", Math.max(52_428_800, c.getInt("topic.max.message.bytes")));
    return p;
  }

  /**
   * Creates every shared topic of the system that does not exist yet (media, queries, results, dead
   * letters, the model control topic); existing ones are left alone (the encoder warns at start
   * when existing media topics are not compacted: {@link MediaTopicPolicy}). A model's own topics
   * are created when it is deployed ({@link #createSpaceTopics}).
   */
  public static void createTopics(Config c) {
    TopicNames n = c.topicNames();
    int partitions = c.getInt("topic.partitions");
    short rf = (short) c.getInt("topic.replication.factor");
    String maxBytes = c.get("topic.max.message.bytes");
    List<NewTopic> topics = new ArrayList<>();
    for (String media : List.of(n.mediaImages(), n.mediaTexts())) {
      Map<String, String> configs = new HashMap<>(MediaTopicPolicy.CONFIGS);
      configs.put("max.message.bytes", maxBytes);
      topics.add(new NewTopic(media, partitions, rf).configs(configs));
    }
    topics.add(
        new NewTopic(n.queries(), partitions, rf)
            .configs(Map.of("max.message.bytes", maxBytes, "retention.ms", "86400000")));
    topics.add(
        new NewTopic(n.results(), partitions, rf).configs(Map.of("retention.ms", "86400000")));
    // Read whole by every instance; the latest record per key is the state (model files ride on
    // it).
    topics.add(
        new NewTopic(n.models(), 1, rf)
            .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", maxBytes)));
    for (String dlq : List.of(n.encoderDlq(), n.searchDlq())) {
      topics.add(new NewTopic(dlq, 1, rf).configs(Map.of("max.message.bytes", maxBytes)));
    }
    create(c, topics);
  }

  /** Partitions of an existing topic (for a model's space: its number of search shards). */
  public static int partitionCount(Config c, String topic) {
    try (Admin admin = Admin.create(c.kafkaClientProperties())) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot describe " + topic + " (was the model deployed with its topics?): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    }
  }

  /** Creates the topics of one model's space ({@link ModelSpace#topics}) that do not exist yet. */
  public static void createSpaceTopics(Config c, String modelId) {
    TopicNames n = ModelSpace.topics(c.topicNames(), modelId);
    int partitions = c.getInt("topic.partitions");
    short rf = (short) c.getInt("topic.replication.factor");
    List<NewTopic> topics = new ArrayList<>();
    topics.add(
        new NewTopic(n.embeddings(), partitions, rf)
            .configs(
                Map.of(
                    "cleanup.policy",
                    "compact",
                    "max.message.bytes",
                    c.get("topic.max.message.bytes"),
                    "min.cleanable.dirty.ratio",
                    "0.1",
                    "segment.ms",
                    "3600000")));
    // Co-partitioned with embeddings: shard p answers the query copy in partition p.
    topics.add(
        new NewTopic(n.encodedQueries(), partitions, rf)
            .configs(Map.of("retention.ms", "3600000")));
    topics.add(
        new NewTopic(n.shardAnswers(), partitions, rf).configs(Map.of("retention.ms", "3600000")));
    // Read whole by every search instance (a global store): one partition, absolute counts,
    // compacted.
    topics.add(
        new NewTopic(n.lexicalStats(), 1, rf)
            .configs(
                Map.of(
                    "cleanup.policy",
                    "compact",
                    "min.cleanable.dirty.ratio",
                    "0.1",
                    "segment.ms",
                    "3600000")));
    create(c, topics);
  }

  /** The topics of a dropped model's space, deleted (those that do not exist are skipped). */
  public static void deleteSpaceTopics(Config c, String modelId) {
    TopicNames n = ModelSpace.topics(c.topicNames(), modelId);
    try (Admin admin = Admin.create(c.kafkaClientProperties())) {
      for (String t :
          List.of(n.embeddings(), n.encodedQueries(), n.shardAnswers(), n.lexicalStats())) {
        try {
          admin.deleteTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw new IllegalStateException(
                "cannot delete topic " + t + ": " + e.getCause().getMessage(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting topics", e);
    }
  }

  private static void create(Config c, List<NewTopic> topics) {
    try (Admin admin = Admin.create(c.kafkaClientProperties())) {
      for (NewTopic t : topics) {
        try {
          admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + t.name() + ": " + e.getCause().getMessage(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
