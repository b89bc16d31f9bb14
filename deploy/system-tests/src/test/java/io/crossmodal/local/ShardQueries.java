package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.EncodedQuery;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes queries the way the encoder does and reads their results from {@code search.results}. */
final class ShardQueries implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Topics topics;
  private final String modelId;
  private final int partitions;
  private final Map<String, Integer> seen = new HashMap<>();
  private final Map<String, JsonNode> results = new HashMap<>();

  ShardQueries(Config config, Topics topics, String modelId, int partitions) {
    this.partitions = partitions;
    this.topics = topics;
    this.modelId = modelId;
    producer =
        new KafkaProducer<>(
            KafkaClients.producer(config), new StringSerializer(), new StringSerializer());
    consumer =
        new KafkaConsumer<>(
            KafkaClients.consumer(config, "unused"),
            new StringDeserializer(),
            new StringDeserializer());
    List<TopicPartition> parts =
        consumer.partitionsFor(topics.results.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position);
  }

  List<List<String>> askAll(List<float[]> queries, String round) throws Exception {
    return askAll(queries, null, null, round);
  }

  /**
   * With {@code texts.get(q)} as each query's words, ranked by {@code mode} (null: vector queries).
   */
  List<List<String>> askAll(List<float[]> queries, List<String> texts, String mode, String round)
      throws Exception {
    List<List<String>> out = new ArrayList<>();
    for (int q = 0; q < queries.size(); q++) {
      JsonNode r = ask(queries.get(q), texts == null ? null : texts.get(q), mode, round + "-" + q);
      assertEquals(
          partitions, r.path("shardsAnswered").asInt(), "complete answer in round " + round);
      List<String> ids = new ArrayList<>();
      r.path("hits")
          .forEach(
              h ->
                  ids.add(
                      h.path("id").asText() + "@" + h.path("score").asText() + h.path("signals")));
      out.add(ids);
    }
    return out;
  }

  JsonNode ask(float[] vector, String queryId) throws Exception {
    return ask(vector, null, null, queryId);
  }

  JsonNode ask(float[] vector, String text, String mode, String queryId) throws Exception {
    for (int p = 0; p < partitions; p++) {
      EncodedQuery q =
          new EncodedQuery(
              queryId,
              modelId,
              vector,
              null,
              10,
              "any",
              null,
              null,
              p,
              partitions,
              System.currentTimeMillis(),
              0,
              text,
              mode);
      producer.send(new ProducerRecord<>(topics.encodedQueries.name(), p, queryId, Json.write(q)));
    }
    producer.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!results.containsKey(queryId)) {
      assertTrue(System.nanoTime() < deadline, "no result for " + queryId + " within 60 s");
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
        if (seen.merge(r.key(), 1, Integer::sum) == 1) {
          results.put(r.key(), Json.object(r.value()));
        }
      }
    }
    return results.get(queryId);
  }

  /** Result records beyond the first per query id seen so far (after a last short poll). */
  int duplicates() {
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(2))) {
      seen.merge(r.key(), 1, Integer::sum);
    }
    return seen.values().stream().mapToInt(n -> n - 1).sum();
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
  }
}
