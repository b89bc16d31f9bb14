package io.crossmodal.search.internal.http;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topic;
import io.crossmodal.search.internal.processor.ResultMerge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Completes HTTP requests' futures. Tails every partition of {@code shard-answers} and {@code
 * search.results} from their ends (no consumer group, so every instance sees everything) and
 * completes a waiting query as soon as either every shard's answer has arrived (merged here with
 * the same {@link ResultMerge} as the Streams merge step) or its result record arrives (errors,
 * merge timeouts), whichever comes first.
 *
 * <p>Why not only the result topic: under exactly-once, a record becomes visible to read-committed
 * readers only at its transaction's commit, and the query path crosses two Streams commits (shard,
 * merge), each up to {@code search.commit.interval.ms} away: ≈ 300 ms measured. This reader is
 * read-uncommitted instead, which is sound for answers: they are read-only results computed from
 * the shard's index, and a shard answer from a transaction that later aborts was still a correct
 * answer to the query. Kafka clients of {@code search.results} keep the committed, merged record.
 * Thread safe.
 */
public final class ResultWaiter implements TopicRoute.Results, AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final String resultsTopic;
  private final int kMax;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private static final class Waiting {
    final CompletableFuture<String> future = new CompletableFuture<>();
    final Map<Integer, ShardAnswer> byShard = new HashMap<>();
  }

  /**
   * @param kMax largest {@code k} of a valid shard answer
   */
  public ResultWaiter(
      Map<String, Object> consumerProperties,
      Topic<String, String> results,
      Topic<String, String> shardAnswers,
      int kMax) {
    this.kMax = kMax;
    Map<String, Object> props = new HashMap<>(consumerProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    this.resultsTopic = results.name();
    // Both topics carry JSON under string keys, so one consumer reads them with the results'
    // serdes.
    consumer =
        new KafkaConsumer<>(
            props, results.keySerde().deserializer(), results.valueSerde().deserializer());
    List<TopicPartition> partitions =
        Stream.of(results.name(), shardAnswers.name())
            .flatMap(
                t ->
                    consumer.partitionsFor(t).stream()
                        .map(p -> new TopicPartition(t, p.partition())))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, before any query is sent
    thread = new Thread(this::run, "search-result-waiter");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public CompletableFuture<String> expect(String queryId) {
    return waiting.computeIfAbsent(queryId, id -> new Waiting()).future;
  }

  @Override
  public void forget(String queryId) {
    waiting.remove(queryId);
  }

  private void run() {
    try {
      while (running.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null || r.value() == null || !waiting.containsKey(r.key())) {
            continue;
          }
          if (r.topic().equals(resultsTopic)) {
            complete(r.key(), r.value());
          } else {
            try {
              gather(
                  r.key(),
                  ShardAnswer.read(r.key(), r.value().getBytes(StandardCharsets.UTF_8), kMax));
            } catch (RejectedRecordException e) {
              // The merge step dead-letters it (once); this reader only skips it.
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private void gather(String queryId, ShardAnswer answer) {
    Waiting w = waiting.get(queryId);
    if (w == null) {
      return;
    }
    w.byShard.putIfAbsent(
        answer.partition(), answer); // a replayed answer of the same shard counts once
    if (w.byShard.size() >= answer.partitions()) {
      complete(
          queryId,
          Json.write(
              ResultMerge.merge(
                  queryId,
                  new ArrayList<>(w.byShard.values()),
                  answer.partitions(),
                  System.currentTimeMillis())));
    }
  }

  private void complete(String queryId, String result) {
    Waiting w = waiting.remove(queryId);
    if (w != null) {
      w.future.complete(result);
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
