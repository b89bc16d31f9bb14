package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.model.joint.ServedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON Schemas in {@code docs/schemas} against what a running stack really sends and accepts:
 * ingest answers (single, batch, delete), the encoder's answer, a query and its result over HTTP
 * and over the topics, an error body; and each schema refuses what the services refuse.
 */
class SchemasIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMAS = Path.of("../../docs/schemas").toAbsolutePath().normalize();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void realPayloadsMatchTheSchemasAndTheSchemasRefuseWhatTheServicesRefuse() throws Exception {
    Config config = TestConfigs.freePorts(2);
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      String ingest = "http://localhost:" + stack.ingestPort();
      String query =
          "{\"text\":\"a red bicycle\",\"k\":3,\"target\":\"text\",\"tags\":{\"all\":[\"schema\"]}}";
      assertValid("search-query", query);

      assertValid(
          "ingest-accepted",
          post(
              ingest + "/v1/texts",
              "{\"text\":\"a red bicycle\",\"id\":\"schema-1\",\"metadata\":{\"tags\":[\"schema\"]}}",
              202));
      assertValid(
          "ingest-batch-response",
          post(
              ingest + "/v1/batch",
              "{\"items\":[{\"text\":\"a blue car\",\"id\":\"schema-2\"},{\"text\":\"\"}]}",
              200));
      assertValid(
          "ingest-accepted",
          send(HttpRequest.newBuilder(URI.create(ingest + "/v1/media/schema-2")).DELETE(), 202));
      assertValid(
          "encode-response",
          post(
              "http://localhost:" + stack.encoderPort() + "/v1/encode",
              "{\"text\":\"a cat\"}",
              200));

      String search = "http://localhost:" + stack.searchPort() + "/v1/search";
      String result = awaitHit(search, query);
      assertValid("search-result", result);
      String lexical = "{\"text\":\"bicycles\",\"k\":3,\"mode\":\"lexical\",\"tags\":[\"schema\"]}";
      assertValid("search-query", lexical);
      String byWords = post(search, lexical, 200);
      assertValid("search-result", byWords);
      assertTrue(
          byWords.contains("\"schema-1\"") && byWords.contains("\"lexical\""),
          "found by its words, and says so: " + byWords);
      String noWords = "{\"mediaId\":\"schema-1\",\"mode\":\"hybrid\"}";
      assertValid("error", post(search, noWords, 400));
      assertInvalid("search-query", noWords);
      assertInvalid("search-query", "{\"text\":\"a cat\",\"mode\":\"words\"}");
      String bad = "{\"text\":\"a cat\",\"colour\":\"red\"}";
      assertValid("error", post(search, bad, 400));
      assertInvalid("search-query", bad);
      assertInvalid("search-query", "{\"text\":\"a cat\",\"mediaId\":\"x\"}");
      assertInvalid("search-query", "{\"text\":\"a cat\",\"target\":\"video\"}");
      assertInvalid("search-result", result.replace("\"shardsTotal\"", "\"shards\""));

      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              KafkaClients.producer(stack.config()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    stack.config().topicNames().queries(),
                    "schema-q",
                    query.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
      assertValid("search-result", awaitResult(stack.config(), "schema-q"));
    }
  }

  private String awaitHit(String search, String query) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      String body = post(search, query, 200);
      if (body.contains("\"schema-1\"")) {
        return body;
      }
      assertTrue(System.nanoTime() < deadline, "schema-1 never searchable: " + body);
      Thread.sleep(200);
    }
  }

  private static String awaitResult(Config config, String queryId) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      List<String> found = new ArrayList<>();
      TopicReader.readAll(
          config,
          List.of(config.topicNames().results()),
          r -> {
            if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(queryId)) {
              found.add(new String(r.value(), StandardCharsets.UTF_8));
            }
          });
      if (!found.isEmpty()) {
        assertEquals(1, found.size(), "one result per query id");
        return found.get(0);
      }
      assertTrue(System.nanoTime() < deadline, "no result for " + queryId);
      Thread.sleep(200);
    }
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

  private static Set<ValidationMessage> validate(String schema, String payload) throws Exception {
    JsonSchema s =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(Files.readString(SCHEMAS.resolve(schema + ".schema.json")));
    JsonNode node = JSON.readTree(payload);
    return s.validate(node);
  }

  private static void assertValid(String schema, String payload) throws Exception {
    Set<ValidationMessage> errors = validate(schema, payload);
    assertTrue(errors.isEmpty(), schema + " refuses " + payload + ": " + errors);
  }

  private static void assertInvalid(String schema, String payload) throws Exception {
    assertFalse(validate(schema, payload).isEmpty(), schema + " accepts " + payload);
  }
}
