package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.joint.ServedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-your-writes on the whole local stack: every write the ingest API accepts returns a position
 * token, and a query carrying it is answered only once the write is searchable — over HTTP (direct
 * route), and for a Kafka client on {@code search.queries} (the shards hold the query back).
 */
class ReadYourWritesIT {
  private static final int LOOP = 200;
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void shouldFindEveryWriteAtOnceWithItsTokenAndSay504WhenAWriteIsNotSearchableInTime()
      throws Exception {
    Config config = TestConfigs.freePorts(3, "search.after.timeout.ms", "5000");
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      String ingest = "http://localhost:" + stack.ingestPort();
      String search = "http://localhost:" + stack.searchPort() + "/v1/search";

      // Without the token a query right after the write often misses it: what the token is for.
      int missedWithout = 0;
      for (int i = 0; i < 30; i++) {
        post(
            ingest + "/v1/texts",
            "{\"text\":\"note " + word("c", i) + "\",\"id\":\"control-" + i + "\"}",
            202);
        missedWithout +=
            post(search, lexical(word("c", i), null), 200).contains("\"control-" + i + "\"")
                ? 0
                : 1;
      }

      for (int i = 0; i < LOOP; i++) {
        JsonNode accepted =
            Json.object(
                post(
                    ingest + "/v1/texts",
                    "{\"text\":\"note " + word("w", i) + "\",\"id\":\"ryw-" + i + "\"}",
                    202));
        String token = accepted.path("position").asText();
        assertTrue(
            token.startsWith(stack.config().topicNames().mediaTexts() + ":"), accepted.toString());
        String result = post(search, lexical(word("w", i), token), 200);
        assertTrue(
            result.contains("\"ryw-" + i + "\""),
            "write " + i + " (" + token + ") not found with its token: " + result);
      }
      System.out.printf(
          "read-your-writes: %d of %d found with their token; without it, %d of 30 missed%n",
          LOOP, LOOP, missedWithout);
      assertTrue(
          missedWithout > 0,
          "every control write was searchable at once: this test would not notice a token ignored");

      // A delete's token names both media topics; with it the item is gone at once.
      for (int i = 0; i < 10; i++) {
        JsonNode deleted =
            Json.object(
                send(
                    HttpRequest.newBuilder(URI.create(ingest + "/v1/media/ryw-" + i)).DELETE(),
                    202));
        assertEquals(2, deleted.path("position").asText().split(",").length, deleted.toString());
        assertFalse(
            post(search, lexical(word("w", i), deleted.path("position").asText()), 200)
                .contains("\"ryw-" + i + "\""),
            "deleted item " + i + " still found with the delete's token");
      }

      // A Kafka client: the same token on search.queries; the shards hold the query until the write
      // is applied.
      try (KafkaProducer<String, String> producer =
              new KafkaProducer<>(
                  KafkaClients.producer(stack.config()),
                  new StringSerializer(),
                  new StringSerializer());
          KafkaConsumer<String, String> results =
              new KafkaConsumer<>(
                  KafkaClients.consumer(stack.config(), "unused"),
                  new StringDeserializer(),
                  new StringDeserializer())) {
        List<TopicPartition> parts =
            results.partitionsFor(stack.config().topicNames().results()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        results.assign(parts);
        results.seekToEnd(parts);
        parts.forEach(results::position);
        for (int i = 0; i < 20; i++) {
          JsonNode accepted =
              Json.object(
                  post(
                      ingest + "/v1/texts",
                      "{\"text\":\"note " + word("k", i) + "\",\"id\":\"kafka-" + i + "\"}",
                      202));
          producer.send(
              new ProducerRecord<>(
                  stack.config().topicNames().queries(),
                  "ryw-q-" + i,
                  lexical(word("k", i), accepted.path("position").asText())));
          producer.flush();
          String result = await(results, "ryw-q-" + i);
          assertTrue(
              result.contains("\"kafka-" + i + "\""),
              "Kafka client's write " + i + " not found with its token: " + result);
        }
      }

      // A position far beyond the log: after search.after.timeout.ms, a 504 that names the lag.
      JsonNode last =
          Json.object(post(ingest + "/v1/texts", "{\"text\":\"note last\",\"id\":\"last\"}", 202));
      String[] at = last.path("position").asText().split(":");
      String future = at[0] + ":" + at[1] + ":" + (Long.parseLong(at[2]) + 1_000_000);
      String timeout = post(search, lexical("last", future), 504);
      assertTrue(timeout.contains("behind") && timeout.contains("shard " + at[1]), timeout);
      assertEquals(
          400,
          http.send(
                  HttpRequest.newBuilder(URI.create(search))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"text\":\"x\",\"after\":\"embeddings:0:1\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "not a media topic");
    }
  }

  /** A word of letters only, one per item, that no other item has (stemming leaves it whole). */
  private static String word(String prefix, int i) {
    return "zq" + prefix + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26) + "x";
  }

  private static String lexical(String word, String token) {
    var q = Json.MAPPER.createObjectNode().put("text", word).put("mode", "lexical").put("k", 3);
    if (token != null) {
      q.put("after", token);
    }
    return q.toString();
  }

  private static String await(KafkaConsumer<String, String> results, String queryId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(100))) {
        if (queryId.equals(r.key())) {
          return r.value();
        }
      }
    }
    throw new AssertionError("no result for " + queryId);
  }

  private String post(String url, String body, int status) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        status);
  }

  private String send(HttpRequest.Builder request, int status) throws Exception {
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), r.body());
    return r.body();
  }
}
