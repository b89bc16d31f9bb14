package io.crossmodal.encoder.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.encoder.internal.processor.MediaEncoder;
import io.crossmodal.model.joint.Towers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The loop's handling of a poll whose output cannot be written, with Kafka's own mock clients (a
 * pure unit: the broker's side is what MockProducer and MockConsumer model): a commit that times
 * out is retried, never redone; a transaction that fails otherwise is aborted and the poll redone
 * from the committed offsets. Either way each input's output is committed exactly once.
 */
class EncodeLoopTest {
  private static final Topics TOPICS = Topics.defaults();
  private static final TopicPartition TEXTS = new TopicPartition(TOPICS.mediaTexts.name(), 0);

  /** Unit vectors without a model: the loop, not the encoding, is under test. */
  private static final Towers TOWERS =
      new Towers() {
        @Override
        public String modelId() {
          return "cm-test";
        }

        @Override
        public int dim() {
          return 2;
        }

        @Override
        public float[][] encodeImages(List<BufferedImage> images) {
          return new float[images.size()][];
        }

        @Override
        public float[][] encodeTexts(List<String> texts) {
          float[][] v = new float[texts.size()][];
          for (int i = 0; i < v.length; i++) {
            v[i] = new float[] {1, 0};
          }
          return v;
        }
      };

  /** A transactional producer whose first {@code failures} commits throw {@code failure}. */
  private static final class FlakyProducer extends MockProducer<byte[], byte[]> {
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    private final RuntimeException failure;
    private int failures;

    FlakyProducer(RuntimeException failure, int failures) {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
      this.failure = failure;
      this.failures = failures;
    }

    @Override
    public synchronized void commitTransaction() {
      commits.incrementAndGet();
      if (failures-- > 0) {
        throw failure;
      }
      super.commitTransaction();
    }

    @Override
    public synchronized void abortTransaction() {
      aborts.incrementAndGet();
      super.abortTransaction();
    }
  }

  private static MediaEncoder encoder() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return new MediaEncoder(
        TOPICS,
        TOWERS,
        new MediaValidator(new ImageDecoder(1000, 1000), 100, 1000),
        new QueryParser(10, 100, 1000),
        8,
        new EncoderMetrics(registry),
        new DeadLetters("encoder", TOPICS.encoderDlq.name(), 1 << 20, registry));
  }

  private static MockConsumer<byte[], byte[]> consumer() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(TEXTS));
    consumer.updateBeginningOffsets(Map.of(TEXTS, 0L));
    addTexts(consumer);
    return consumer;
  }

  private static void addTexts(MockConsumer<byte[], byte[]> consumer) {
    for (long offset = 0; offset < 2; offset++) {
      consumer.addRecord(
          new ConsumerRecord<>(
              TEXTS.topic(),
              0,
              offset,
              ("t" + offset).getBytes(StandardCharsets.UTF_8),
              ("a red star " + offset).getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static List<String> committedKeys(MockProducer<byte[], byte[]> producer) {
    return producer.history().stream()
        .map(ProducerRecord::key)
        .map(k -> new String(k, StandardCharsets.UTF_8))
        .toList();
  }

  private static void runUntil(EncodeLoop loop, BooleanSupplier done) throws InterruptedException {
    Thread t = new Thread(loop, "encode-loop-test");
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    loop.stop();
  }

  @Test
  void shouldRetryTheCommitNotRedoThePollWhenTheCommitTimesOut() throws Exception {
    FlakyProducer producer = new FlakyProducer(new TimeoutException("coordinator slow"), 2);
    producer.initTransactions();
    MockConsumer<byte[], byte[]> consumer = consumer();
    EncodeLoop.Work work = new EncodeLoop.Work(encoder(), 2);
    EncodeLoop loop =
        new EncodeLoop("test", consumer, producer, null, () -> work, Duration.ofMillis(10));

    runUntil(loop, producer::transactionCommitted);

    assertTrue(producer.transactionCommitted());
    assertEquals(
        3, producer.commits.get(), "two timed-out commits retried, the third went through");
    assertEquals(List.of("t0", "t1"), committedKeys(producer), "each output once");
    assertEquals(0, producer.aborts.get(), "a timed-out commit is never aborted");
  }

  @Test
  void shouldAbortAndRedoThePollFromTheCommittedOffsetsWhenTheTransactionFails() throws Exception {
    FlakyProducer producer = new FlakyProducer(new KafkaException("broker failing over"), 1);
    producer.initTransactions();
    MockConsumer<byte[], byte[]> consumer = consumer();
    // The mock delivers a record once; after the rewind, the same records are there again as a
    // broker would serve them.
    consumer.schedulePollTask(() -> {});
    consumer.schedulePollTask(
        () -> {
          if (consumer.position(TEXTS) == 0) {
            addTexts(consumer);
          }
        });
    EncodeLoop.Work work = new EncodeLoop.Work(encoder(), 2);
    EncodeLoop loop =
        new EncodeLoop("test", consumer, producer, null, () -> work, Duration.ofMillis(10));

    runUntil(loop, producer::transactionCommitted);

    assertEquals(1, producer.aborts.get(), "the failed transaction was aborted");
    assertTrue(producer.transactionCommitted(), "and the poll redone");
    assertEquals(List.of("t0", "t1"), committedKeys(producer), "each output committed once");
    assertEquals(
        2L,
        producer
            .consumerGroupOffsetsHistory()
            .get(0)
            .values()
            .iterator()
            .next()
            .get(TEXTS)
            .offset(),
        "the redone poll's offsets committed with it");
  }
}
