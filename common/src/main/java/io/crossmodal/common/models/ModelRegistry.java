package io.crossmodal.common.models;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topic;
import io.crossmodal.common.topic.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model control topic (compacted, one partition) from its beginning, as every encoder
 * and search instance does, and tells its listeners each new {@link State}. Keys: {@code
 * model/<id>} → {@link ModelEntry} JSON (a tombstone drops the model), {@code active} → {@link
 * ActiveModel} JSON. A record that is not one of these is skipped, logged with its offset and
 * counted ({@link #invalidRecords()}); it stays on the topic (nothing consumes it away) and the
 * state is what the valid records say. Writes go through {@link ModelControl}, which checks them.
 */
public final class ModelRegistry implements AutoCloseable {
  public static final String ACTIVE_KEY = "active";
  public static final String MODEL_PREFIX = "model/";
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  /**
   * The control topic's meaning at one offset: the active model (null before the first) and every
   * deployed model.
   */
  public record State(ActiveModel active, Map<String, ModelEntry> models) {
    public static final State EMPTY = new State(null, Map.of());

    public State {
      models = Map.copyOf(models);
    }

    /** The active model's id, or null before one is. */
    public String activeId() {
      return active == null ? null : active.model();
    }

    /** The active model's entry, or null (none yet, or dropped by a hand-written record). */
    public ModelEntry activeEntry() {
      return active == null ? null : models.get(active.model());
    }

    /**
     * The state after one record of the control topic.
     *
     * @throws IllegalArgumentException for a record that is none of the documented ones
     */
    public State apply(String key, String value) {
      if (key == null) {
        throw new IllegalArgumentException("a control record without a key");
      }
      if (key.equals(ACTIVE_KEY)) {
        if (value == null) {
          return new State(null, models);
        }
        return new State(Json.read(value, ActiveModel.class), models);
      }
      if (!key.startsWith(MODEL_PREFIX)) {
        throw new IllegalArgumentException(
            "unknown control key '" + key + "' (expected 'active' or 'model/<id>')");
      }
      String id = key.substring(MODEL_PREFIX.length());
      Map<String, ModelEntry> next = new LinkedHashMap<>(models);
      if (value == null) {
        next.remove(id);
      } else {
        ModelEntry entry = Json.read(value, ModelEntry.class);
        if (!entry.id().equals(id)) {
          throw new IllegalArgumentException("control key '" + key + "' holds model " + entry.id());
        }
        next.put(id, entry);
      }
      return new State(active, next);
    }
  }

  private final KafkaConsumer<String, String> consumer;
  private final TopicPartition partition;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong invalid = new AtomicLong();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile State state = State.EMPTY;
  private volatile boolean running = true;
  private volatile long position;

  private ModelRegistry(Config config) {
    Topic<String, String> models = new Topics(config.topicNames()).models;
    this.partition = new TopicPartition(models.name(), 0);
    this.consumer =
        new KafkaConsumer<>(
            consumerProperties(config),
            models.keySerde().deserializer(),
            models.valueSerde().deserializer());
    this.thread = new Thread(this::run, "model-registry");
    thread.setDaemon(true);
  }

  /** Starts following; {@link #awaitCurrent} waits until what was on the topic at start is read. */
  public static ModelRegistry follow(Config config) {
    ModelRegistry registry = new ModelRegistry(config);
    registry.thread.start();
    return registry;
  }

  /** The control topic as it is now, read once to its end (for commands that write and check). */
  public static State read(Config config, Duration timeout) {
    try (ModelRegistry registry = follow(config)) {
      return registry.awaitCurrent(timeout);
    }
  }

  static Map<String, Object> consumerProperties(Config config) {
    Map<String, Object> p = new LinkedHashMap<>(config.kafkaClientProperties());
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("max.partition.fetch.bytes", config.getInt("topic.max.message.bytes"));
    p.put("fetch.max.bytes", Math.max(52_428_800, config.getInt("topic.max.message.bytes")));
    return p;
  }

  /**
   * Called with every new state, on the registry's thread (after the initial read: at once with the
   * current state).
   */
  public void onChange(Consumer<State> listener) {
    listeners.add(listener);
    if (caughtUp.getCount() == 0) {
      listener.accept(state);
    }
  }

  public State state() {
    return state;
  }

  /** Control records skipped as invalid so far. */
  public long invalidRecords() {
    return invalid.get();
  }

  /** Waits until the topic is read up to where it ended when following began. */
  public State awaitCurrent(Duration timeout) {
    try {
      if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "model control topic "
                + partition.topic()
                + " not read within "
                + timeout
                + " (does it exist? any service with --create-topics creates it)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the model control topic", e);
    }
    return state;
  }

  private void run() {
    try {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
      while (running) {
        State before = state;
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            state = state.apply(r.key(), r.value());
          } catch (IllegalArgumentException e) {
            invalid.incrementAndGet();
            LOG.warn(
                "skipping invalid record at {}:{} of the model control topic: {}",
                partition,
                r.offset(),
                e.getMessage());
          }
        }
        position = consumer.position(partition);
        boolean first = caughtUp.getCount() > 0 && position >= end;
        if (first) {
          caughtUp.countDown();
        }
        if (first || (caughtUp.getCount() == 0 && state != before)) {
          State now = state;
          for (Consumer<State> l : listeners) {
            try {
              l.accept(now);
            } catch (RuntimeException e) {
              LOG.error("a listener of the model control topic failed on {}", now.activeId(), e);
            }
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("model registry woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("model registry stopped following {}", partition.topic(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
