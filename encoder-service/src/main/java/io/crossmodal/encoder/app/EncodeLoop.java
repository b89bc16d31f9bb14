package io.crossmodal.encoder.app;

import io.crossmodal.encoder.internal.processor.EncodedBatch;
import io.crossmodal.encoder.internal.processor.MediaEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consume → encode → produce loop on its own thread. Without a fast producer (the media path)
 * each poll's outputs and consumed offsets commit in one Kafka transaction: exactly once. With one
 * (the query path), a poll's outputs are sent at once and its offsets committed after they are
 * acknowledged: at least once, because a transaction's commit and markers cost ≈ 10–15 ms per query
 * and a replayed query is harmless (the merge step keeps one answer per shard and one result per
 * query id). A poll that dead-letters something still takes the transaction, so a dead letter is
 * written exactly once. A poll whose output cannot be written (a broker failing over, a timeout) is
 * redone from the committed offsets, never skipped; only errors after which the producer cannot
 * continue (fenced by a newer instance, no rights) stop the loop, and {@code /health} says so.
 */
final class EncodeLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(EncodeLoop.class);

  /**
   * What encodes a poll, and the number of search shards its queries fan out to (partitions of the
   * encoded-queries topic).
   */
  record Work(MediaEncoder encoder, int queryPartitions) {}

  private static final long RETRY_BACKOFF_MS = 1000;

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final Producer<byte[], byte[]> fast;
  private final Supplier<Work> work;
  private volatile long lag;
  private final Duration linger;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param producer transactional
   * @param fast non-transactional idempotent producer for polls without dead letters, or null to
   *     run every poll in a transaction
   * @param work what encodes a poll, asked before each one (the query loop's follows the active
   *     model); null = not available yet: the loop waits without polling
   */
  EncodeLoop(
      String name,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      Producer<byte[], byte[]> fast,
      Supplier<Work> work,
      Duration linger) {
    this.name = name;
    this.consumer = consumer;
    this.producer = producer;
    this.fast = fast;
    this.work = work;
    this.linger = linger;
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        Work current = work.get();
        if (current == null) {
          Thread.sleep(100);
          continue;
        }
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(linger);
        lag = lagOfAssignment();
        if (polled.isEmpty()) {
          continue;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
        polled.forEach(records::add);
        EncodedBatch batch = current.encoder().encode(records, current.queryPartitions());
        try {
          write(batch, polled);
        } catch (KafkaException e) {
          if (fatal(e)) {
            throw e;
          }
          // A poll's output is written whole or not at all; redo the poll rather than lose or skip
          // it.
          LOG.warn(
              "{}: writing the output of a poll failed; rewinding to the committed offsets to redo it: {}",
              name,
              e.toString());
          rewind(polled);
          Thread.sleep(RETRY_BACKOFF_MS);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        LOG.error("{} woken up unexpectedly", name, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("{} failed; the service reports DOWN on /health", name, e);
    } finally {
      running.set(false);
      producer.close(Duration.ofSeconds(5));
      if (fast != null) {
        fast.close(Duration.ofSeconds(5));
      }
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  /**
   * Outputs and offsets of one poll: in one transaction, or (fast path) acknowledged before the
   * offsets commit.
   */
  private void write(EncodedBatch batch, ConsumerRecords<byte[], byte[]> polled) {
    if (fast == null || batch.hasDeadLetters()) {
      producer.beginTransaction();
      try {
        batch.records().forEach(producer::send);
        producer.sendOffsetsToTransaction(nextOffsets(polled), consumer.groupMetadata());
      } catch (KafkaException e) {
        abortUnlessFatal(e);
        throw e;
      }
      commit();
    } else {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      batch.records().forEach(r -> sent.add(fast.send(r)));
      fast.flush();
      for (Future<RecordMetadata> f :
          sent) { // every output acknowledged (acks=all) before the offsets move on
        try {
          f.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new KafkaException("interrupted while waiting for acknowledgements", e);
        }
      }
      consumer.commitSync(nextOffsets(polled));
    }
  }

  /**
   * Commits the open transaction. A timeout leaves its outcome unknown, so the commit is retried
   * (Kafka's contract), never aborted and redone: redoing a transaction that did commit would write
   * its outputs twice. Other errors abort it, and the poll is redone.
   */
  private void commit() {
    while (true) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (!running.get()) {
          throw e;
        }
        LOG.warn("{}: committing a transaction timed out; retrying the commit", name);
      } catch (KafkaException e) {
        abortUnlessFatal(e);
        throw e;
      }
    }
  }

  /**
   * Aborts the open transaction so the poll can be redone; an abort that itself fails leaves the
   * producer in a state no retry gets out of, so it ends the loop (and /health says so).
   */
  private void abortUnlessFatal(KafkaException cause) {
    if (fatal(cause)) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      throw new IllegalStateException(
          name + ": cannot abort the transaction after " + cause + ": " + e, e);
    }
  }

  /** Errors after which this producer cannot go on (another instance took over, or no rights). */
  private static boolean fatal(KafkaException e) {
    return e instanceof ProducerFencedException
        || e instanceof OutOfOrderSequenceException
        || e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException;
  }

  /** Seeks the poll's partitions back to their committed offsets, so the next poll redoes it. */
  private void rewind(ConsumerRecords<byte[], byte[]> polled) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(polled.partitions());
    for (TopicPartition tp : polled.partitions()) {
      OffsetAndMetadata at = committed.get(tp);
      consumer.seek(tp, at == null ? polled.records(tp).get(0).offset() : at.offset());
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> polled) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : polled.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> recs = polled.records(tp);
      offsets.put(tp, new OffsetAndMetadata(recs.get(recs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  boolean running() {
    return running.get();
  }

  /**
   * Records between this loop's position and the end of its partitions, as of its last poll (what a
   * replaying model's encoders still have to encode; the partitions of other instances not
   * included).
   */
  long lag() {
    return lag;
  }

  /**
   * Read on the loop's own thread: a consumer is not thread safe. Unknown lags (no fetch yet) count
   * as 0.
   */
  private long lagOfAssignment() {
    long sum = 0;
    for (TopicPartition tp : consumer.assignment()) {
      sum += consumer.currentLag(tp).orElse(0L);
    }
    return sum;
  }

  /** Stops the loop and waits until its clients are closed. */
  void stop() {
    if (running.getAndSet(false)) {
      consumer.wakeup();
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
