package io.crossmodal.common.models;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.topic.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a model's space has caught up, from the brokers alone (no service asked): the media
 * offsets its encoders' group has committed against the ends of the media topics, and the
 * embeddings its search index's application has committed against the end of its embeddings topic.
 * A model is ready to be switched to when both lags are 0 and its embeddings topic holds the same
 * live ids as the active model's ({@link #sameIds}).
 */
public final class ModelProgress {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param mediaTotal media offsets to encode (ends minus beginnings of the media topics; on
   *     compacted topics a little more than the records left)
   * @param mediaLag of those, not yet committed by the model's encoders
   * @param searchLag embeddings the model's search index has not yet committed
   */
  public record Snapshot(
      String model, long mediaTotal, long mediaLag, long searchLag, long atMillis) {
    public long mediaDone() {
      return mediaTotal - mediaLag;
    }

    /** Encoders and index have consumed everything written so far. */
    public boolean caughtUp() {
      return mediaLag == 0 && searchLag == 0;
    }
  }

  private ModelProgress() {}

  public static Snapshot of(Config config, String modelId) {
    String mediaGroup = ModelSpace.encoderGroup(config.get("encoder.group.id"), modelId);
    String searchGroup =
        ModelSpace.searchApplicationId(config.get("search.application.id"), modelId);
    String embeddings = ModelSpace.topics(config.topicNames(), modelId).embeddings();
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      Backlog media =
          backlog(
              admin,
              List.of(config.topicNames().mediaImages(), config.topicNames().mediaTexts()),
              mediaGroup);
      Backlog vectors = backlog(admin, List.of(embeddings), searchGroup);
      return new Snapshot(
          modelId, media.total(), media.lag(), vectors.lag(), System.currentTimeMillis());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the progress of model " + modelId + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Whether the two models' embeddings topics hold the same live ids (latest record per key not a
   * tombstone): read whole, so meant for the moment both are caught up, not for a polling loop.
   */
  public static boolean sameIds(Config config, String a, String b) {
    return liveIds(config, a).equals(liveIds(config, b));
  }

  /** The ids with a vector in the model's embeddings topic, read to its current end. */
  public static Set<String> liveIds(Config config, String modelId) {
    String topic = ModelSpace.topics(config.topicNames(), modelId).embeddings();
    Set<String> live = new HashSet<>();
    TopicReader.readAll(
        config,
        List.of(topic),
        Duration.ofMinutes(5),
        r -> {
          String id = new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            live.remove(id);
          } else {
            live.add(id);
          }
        });
    return live;
  }

  /**
   * Offsets between the beginnings and ends of some topics, and of those the ones {@code group} has
   * not committed.
   */
  private record Backlog(long total, long lag) {}

  private static Backlog backlog(Admin admin, List<String> topics, String group)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<TopicPartition> parts = partitions(admin, topics);
    Map<TopicPartition, Long> begin = offsets(admin, parts, OffsetSpec.earliest());
    Map<TopicPartition, Long> end = offsets(admin, parts, OffsetSpec.latest());
    Map<TopicPartition, OffsetAndMetadata> done = committed(admin, group);
    long total = 0;
    long lag = 0;
    for (TopicPartition tp : parts) {
      OffsetAndMetadata at = done.get(tp);
      total += end.get(tp) - begin.get(tp);
      lag += end.get(tp) - Math.max(begin.get(tp), at == null ? 0 : at.offset());
    }
    return new Backlog(total, lag);
  }

  private static List<TopicPartition> partitions(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    List<TopicPartition> out = new ArrayList<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .forEach(
            (name, d) ->
                d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
    return out;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> parts, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    parts.forEach(tp -> ask.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got =
        admin.listOffsets(ask).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<TopicPartition, Long> out = new HashMap<>();
    got.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> got =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    got.forEach(
        (tp, o) -> {
          if (o != null) {
            out.put(tp, o);
          }
        });
    return out;
  }
}
