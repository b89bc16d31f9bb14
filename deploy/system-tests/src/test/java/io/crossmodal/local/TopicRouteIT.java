package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code search.http.route=topics}: POST /v1/search makes the same round trip as a Kafka client
 * (its query is a record on {@code search.queries}) and answers with the ranked hits.
 */
class TopicRouteIT {
  @TempDir Path dir;

  @Test
  void shouldAnswerHttpQueriesThroughTheQueryTopicWhenConfigured() throws Exception {
    Config config = TestConfigs.freePorts(2, "search.http.route", "topics");
    List<String> captions =
        List.of(
            "a red bicycle",
            "a snowy mountain",
            "a cup of coffee",
            "a sleeping cat",
            "a sailing boat",
            "an old clock tower",
            "a bowl of strawberries",
            "a yellow taxi");
    try (LocalStack stack = LocalStack.start(dir, 0, config, ServedModel.entry(config, null));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                KafkaClients.producer(stack.config()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      for (int i = 0; i < captions.size(); i++) {
        producer.send(
            new ProducerRecord<>(
                "media.texts", "t" + i, captions.get(i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
      ScrapedMetrics.awaitIndexed(stack.searchPort(), captions.size(), Duration.ofMinutes(2));

      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < captions.size(); i++) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + stack.searchPort() + "/v1/search"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"text\":\"" + captions.get(i) + "\",\"k\":3,\"target\":\"text\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode result = Json.MAPPER.readTree(r.body());
        assertEquals(
            "t" + i,
            result.path("hits").get(0).path("id").asText(),
            "a caption finds itself first: " + r.body());
        // Hybrid (the default): found first by both signals, its cosine with itself 1.
        assertEquals(
            1.0,
            result.path("hits").get(0).path("signals").path("vector").asDouble(),
            1e-3,
            r.body());
        assertTrue(result.path("hits").get(0).path("signals").has("lexical"), r.body());
        assertEquals(2, result.path("shardsAnswered").asInt());
      }

      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              KafkaClients.consumer(stack.config(), "topic-route-it"),
              new StringDeserializer(),
              new StringDeserializer())) {
        consumer.subscribe(List.of("search.queries"));
        Set<String> texts = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (texts.size() < captions.size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> q : consumer.poll(Duration.ofMillis(500))) {
            texts.add(Json.MAPPER.readTree(q.value()).path("text").asText());
          }
        }
        assertTrue(
            texts.containsAll(captions), "every HTTP query went through search.queries: " + texts);
      }
    }
  }
}
