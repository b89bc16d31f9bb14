package io.crossmodal.search.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Completes HTTP requests' futures from {@code search.results}: tails every partition of the
 * results topic from its end (no consumer group, so every instance sees every result) and hands
 * each record to whoever registered its query id. Thread safe.
 */
public final class ResultWaiter implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public ResultWaiter(Map<String, Object> consumerProperties, String resultsTopic) {
    consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(resultsTopic).stream()
        .map(p -> new TopicPartition(resultsTopic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the end offsets now, before any query is sent
    thread = new Thread(this::run, "search-result-waiter");
    thread.setDaemon(true);
    thread.start();
  }

  /** Registers interest in a query id; call before producing the query. */
  public CompletableFuture<String> expect(String queryId) {
    return waiting.computeIfAbsent(queryId, id -> new CompletableFuture<>());
  }

  public void forget(String queryId) {
    waiting.remove(queryId);
  }

  private void run() {
    try {
      while (running.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          CompletableFuture<String> f = waiting.remove(r.key());
          if (f != null) {
            f.complete(r.value());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
