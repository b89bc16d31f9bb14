package io.crossmodal.common.models;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topic;
import io.crossmodal.common.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The one writer of the model control topic: deploy, activate, roll back, drop, each checked
 * against the topic as it is (a model is activated only when deployed, the active model is never
 * dropped, a rollback needs a previous model that is still deployed). Every instance applies a
 * write as it reads it ({@link ModelRegistry}).
 */
public final class ModelControl {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private final Config config;

  public ModelControl(Config config) {
    this.config = config;
  }

  public ModelRegistry.State state() {
    return ModelRegistry.read(config, READ_TIMEOUT);
  }

  /**
   * Records the model (its space's topics are created first); deploying a model again replaces its
   * entry.
   */
  public void deploy(ModelEntry entry) {
    KafkaClients.createSpaceTopics(config, entry.id());
    write(ModelRegistry.MODEL_PREFIX + entry.id(), Json.write(entry));
  }

  /**
   * Makes {@code id} the model that answers queries; the model active until now becomes the
   * rollback target.
   */
  public ActiveModel activate(String id) {
    ModelRegistry.State s = state();
    if (!s.models().containsKey(id)) {
      throw new IllegalArgumentException(
          "model " + id + " is not deployed (deployed: " + s.models().keySet() + ")");
    }
    if (id.equals(s.activeId())) {
      return s.active();
    }
    ActiveModel next = new ActiveModel(id, s.activeId(), System.currentTimeMillis());
    write(ModelRegistry.ACTIVE_KEY, Json.write(next));
    return next;
  }

  /**
   * Waits until {@code id}'s space has caught up ({@link ModelProgress.Snapshot#caughtUp}) and its
   * embeddings hold the same ids as the active model's, then activates it; {@code report} sees each
   * snapshot. Returns null when the timeout passes first (nothing switched).
   */
  public ActiveModel activateWhenCaughtUp(
      String id, Duration timeout, Consumer<ModelProgress.Snapshot> report)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      ModelProgress.Snapshot now = ModelProgress.of(config, id);
      report.accept(now);
      if (now.caughtUp()) {
        String active = state().activeId();
        if (active == null || active.equals(id) || ModelProgress.sameIds(config, active, id)) {
          return activate(id);
        }
      }
      Thread.sleep(500);
    }
    return null;
  }

  /** Returns to the previous model while it is deployed. */
  public ActiveModel rollback() {
    ModelRegistry.State s = state();
    if (s.active() == null || s.active().previous() == null) {
      throw new IllegalArgumentException("no previous model to roll back to");
    }
    String previous = s.active().previous();
    if (!s.models().containsKey(previous)) {
      throw new IllegalArgumentException(
          "the previous model " + previous + " was dropped; nothing to roll back to");
    }
    ActiveModel next = new ActiveModel(previous, s.activeId(), System.currentTimeMillis());
    write(ModelRegistry.ACTIVE_KEY, Json.write(next));
    return next;
  }

  /**
   * Frees a model that is not active: its encoders stop and its search index closes (its topics are
   * deleted by the caller).
   */
  public void drop(String id) {
    ModelRegistry.State s = state();
    if (id.equals(s.activeId())) {
      throw new IllegalArgumentException(
          "model " + id + " is active; activate another model before dropping it");
    }
    if (!s.models().containsKey(id)) {
      throw new IllegalArgumentException("model " + id + " is not deployed");
    }
    write(ModelRegistry.MODEL_PREFIX + id, null);
  }

  /**
   * {@link #drop}s the model, waits up to {@code wait} until its encoders and its search index have
   * left their consumer groups, then deletes its space's topics, its index's internal topics and
   * both groups. Returns false (topics kept) when members remain after {@code wait}.
   */
  public boolean dropAndFree(String id, Duration wait) throws InterruptedException {
    drop(id);
    String encoders = ModelSpace.encoderGroup(config.get("encoder.group.id"), id);
    String index = ModelSpace.searchApplicationId(config.get("search.application.id"), id);
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (hasMembers(admin, encoders) || hasMembers(admin, index)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        Thread.sleep(500);
      }
      List<String> internal =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(index + "-"))
              .toList();
      admin.deleteTopics(internal).all().get(60, TimeUnit.SECONDS);
      KafkaClients.deleteSpaceTopics(config, id);
      admin
          .deleteConsumerGroups(List.of(encoders, index))
          .deletedGroups()
          .forEach(
              (g, f) -> {
                try {
                  f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                  // A group that never committed does not exist: nothing to delete.
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot free model " + id + ": " + e, e);
    }
    return true;
  }

  private static boolean hasMembers(Admin admin, String group)
      throws InterruptedException, TimeoutException, ExecutionException {
    try {
      ConsumerGroupDescription d =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(30, TimeUnit.SECONDS);
      return !d.members().isEmpty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false;
      }
      throw e;
    }
  }

  private void write(String key, String value) {
    Topic<String, String> models = new Topics(config.topicNames()).models;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config),
            models.keySerde().serializer(),
            models.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(models.name(), 0, key, value)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write the model control topic: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the model control topic", e);
    }
  }
}
