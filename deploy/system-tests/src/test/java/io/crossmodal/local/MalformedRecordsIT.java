package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.model.joint.ServedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed records on every topic a service reads, public and internal (see {@link
 * MalformedRecords}), between good ones: no service stops, every shard still answers, the good
 * records after the bad ones are indexed and answered, and each bad record is on its service's
 * dead-letter topic exactly once with its reason and source offset. Then the same after a restart
 * on the same data, where the bad records are still in the topics.
 */
class MalformedRecordsIT {
  private static final int SHARDS = 3;
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void shouldDeadLetterEveryMalformedRecordOnceAndKeepAnsweringWhenAnyTopicCarriesThem()
      throws Exception {
    Config config = TestConfigs.freePorts(SHARDS);
    ModelEntry model = ServedModel.entry(config, null);
    List<DeadLetterAudit.Sent> sent;
    try (LocalStack stack = LocalStack.start(dir.resolve("data"), 0, config, model)) {
      Topics topics = ModelSpace.of(stack.config(), stack.search().activeModel());
      // Given good items indexed
      sendTexts(stack.config(), topics, "before", 3);
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 3, Duration.ofMinutes(2));

      // When malformed records arrive on every topic the services read, then more good ones
      int huge = stack.config().getInt("topic.max.message.bytes") - 256;
      sent =
          DeadLetterAudit.send(
              stack.config(), MalformedRecords.all(topics, model.id(), model.dim(), huge));
      sendTexts(stack.config(), topics, "after", 3);

      // Then the good ones are indexed, and nothing else
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 6, Duration.ofMinutes(2));
      DeadLetterAudit.Outcome outcome = awaitDeadLetters(stack.config(), topics, sent);
      assertEquals(
          6,
          ScrapedMetrics.indexedVectors(stack.searchPort()),
          0.0,
          "the good items, and no bad one");
      assertAnswering(stack);
      assertTrue(
          outcome.complete(), "each bad record dead-lettered once with its reason: " + outcome);
    }

    // And after a restart on the same data (the bad records are still in the topics)
    try (LocalStack stack = LocalStack.start(dir.resolve("data"), 0, config, model)) {
      Topics topics = ModelSpace.of(stack.config(), stack.search().activeModel());
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 6, Duration.ofMinutes(2));
      sendTexts(stack.config(), topics, "restarted", 2);
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 8, Duration.ofMinutes(2));
      assertAnswering(stack);
      Thread.sleep(2000); // time for a replay to dead-letter again, if it did
      DeadLetterAudit.Outcome outcome = DeadLetterAudit.check(stack.config(), topics, sent);
      assertTrue(outcome.complete(), "still exactly once after the restart: " + outcome);
    }
  }

  private static DeadLetterAudit.Outcome awaitDeadLetters(
      Config config, Topics topics, List<DeadLetterAudit.Sent> sent) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    DeadLetterAudit.Outcome outcome = DeadLetterAudit.check(config, topics, sent);
    while (outcome.caught() < outcome.expected() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      outcome = DeadLetterAudit.check(config, topics, sent);
    }
    return outcome;
  }

  private static void sendTexts(Config config, Topics topics, String round, int n) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.mediaTexts.name(),
                round + "-" + i,
                "a red bicycle number " + i + " " + round));
      }
    }
  }

  /** Every service healthy; a query over Kafka and one over HTTP, each answered by every shard. */
  private void assertAnswering(LocalStack stack) throws Exception {
    for (int port : new int[] {stack.ingestPort(), stack.encoderPort(), stack.searchPort()}) {
      HttpResponse<String> health = get(port, "/health");
      assertEquals(200, health.statusCode(), "port " + port + ": " + health.body());
    }
    HttpResponse<String> direct =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + stack.searchPort() + "/v1/search"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"a red bicycle\",\"k\":3}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, direct.statusCode(), direct.body());
    JsonNode answer = Json.object(direct.body());
    assertEquals(SHARDS, answer.path("shardsAnswered").asInt(), direct.body());
    assertEquals(3, answer.path("hits").size(), direct.body());
    JsonNode viaKafka = askOverKafka(stack);
    assertTrue(viaKafka.path("error").isNull(), viaKafka.toString());
    assertEquals(SHARDS, viaKafka.path("shardsAnswered").asInt(), viaKafka.toString());
    assertEquals(3, viaKafka.path("hits").size(), viaKafka.toString());
  }

  private static JsonNode askOverKafka(LocalStack stack) throws Exception {
    Topics topics = ModelSpace.of(stack.config(), stack.search().activeModel());
    String id = "good-query-" + System.nanoTime();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            KafkaClients.producer(stack.config()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.queries.name(), id, "{\"text\":\"a red bicycle\",\"k\":3}"))
          .get();
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      Map<String, String> results = new HashMap<>();
      TopicReader.readAll(
          stack.config(),
          List.of(topics.results.name()),
          r -> {
            if (r.key() != null && r.value() != null) {
              results.put(
                  new String(r.key(), StandardCharsets.UTF_8),
                  new String(r.value(), StandardCharsets.UTF_8));
            }
          });
      if (results.containsKey(id)) {
        return Json.object(results.get(id));
      }
      Thread.sleep(300);
    }
    throw new AssertionError("no result on search.results for " + id);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
