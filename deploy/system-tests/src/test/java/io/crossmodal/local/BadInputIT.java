package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ModelSpec;
import io.crossmodal.model.joint.ServedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed bad-input corpus (src/test/resources/bad-inputs) plus generated over-limit inputs
 * and bad vectors, sent through Kafka and HTTP into a running local stack between good items: every
 * bad case ends on the right dead-letter topic (with reason and source offset), in an error result,
 * or in a 4xx; every good item is indexed; every service is still healthy afterwards.
 */
class BadInputIT {
  private static final Path CORPUS = Path.of("src/test/resources/bad-inputs");
  private static final int GOOD = 5;
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  /** key → where the case must end: "encoder.dlq", "search.dlq" or "result" (an error result). */
  private final Map<String, String> expected = new TreeMap<>();

  private final Map<String, String> outcome = new TreeMap<>();

  @Test
  void shouldCatchEveryBadInputAndProcessTheGoodOnesAroundIt() throws Exception {
    // Search asks the encoder over HTTP here, as separate services do: the encoder's refusals of
    // bad query images must reach the client as 4xx through that hop too (the other ITs call in
    // process).
    Config config = TestConfigs.freePorts(3, "local.encode.in.process", "false");
    List<Item> items = Manifest.read(Path.of("../../cli/sample/manifest.jsonl")).subList(0, GOOD);
    ModelSpec spec = DefaultModel.load(null).spec();
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      Topics topics = ModelSpace.of(stack.config(), spec.modelId());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              KafkaClients.producer(stack.config()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        List<String> goodQueries = new ArrayList<>();
        int i = 0;
        for (Path f : corpus()) {
          String name = f.getFileName().toString();
          if (name.startsWith("image-") || name.startsWith("text-")) {
            String topic =
                name.startsWith("image-") ? topics.mediaImages.name() : topics.mediaTexts.name();
            send(producer, topic, "bad-" + name, Files.readAllBytes(f), null, "encoder.dlq");
          }
          if (i < GOOD) { // a good item after each bad one
            Item item = items.get(i++);
            producer.send(
                new ProducerRecord<>(
                    topics.mediaImages.name(),
                    item.id(),
                    Files.readAllBytes(Path.of(item.image()))));
            producer.send(
                new ProducerRecord<>(
                    topics.mediaTexts.name(),
                    item.id() + ":caption",
                    item.captions().get(0).getBytes(StandardCharsets.UTF_8)));
          }
        }
        send(
            producer,
            topics.mediaImages.name(),
            "bad-image-over-limit",
            new byte[10 * 1024 * 1024 + 1],
            null,
            "encoder.dlq");
        send(
            producer,
            topics.mediaTexts.name(),
            "bad-text-too-long",
            "x".repeat(10_001).getBytes(StandardCharsets.UTF_8),
            null,
            "encoder.dlq");
        send(
            producer,
            topics.mediaTexts.name(),
            "bad-metadata-not-object",
            "a cat".getBytes(StandardCharsets.UTF_8),
            "[1,2]",
            "encoder.dlq");
        send(
            producer,
            topics.mediaTexts.name(),
            "bad-metadata-tags",
            "a cat".getBytes(StandardCharsets.UTF_8),
            "{\"tags\":\"cat\"}",
            "encoder.dlq");
        for (String line : Files.readAllLines(CORPUS.resolve("queries.jsonl"))) {
          JsonNode c = Json.object(line);
          String key = "bad-query-" + c.path("case").asText();
          send(
              producer,
              topics.queries.name(),
              key,
              c.path("query").asText().getBytes(StandardCharsets.UTF_8),
              null,
              "result");
        }
        EmbeddingSerde serde = new EmbeddingSerde();
        float[] nan = new float[spec.dim()];
        nan[0] = Float.NaN;
        send(
            producer,
            topics.embeddings.name(),
            "bad-vector-wrong-dimension",
            serde.serialize(
                "",
                new EmbeddingRecord(
                    Modality.IMAGE, spec.modelId(), new float[] {1, 0, 0}, "it", "{}", 0)),
            null,
            "search.dlq");
        send(
            producer,
            topics.embeddings.name(),
            "bad-vector-nan",
            serde.serialize(
                "", new EmbeddingRecord(Modality.IMAGE, spec.modelId(), nan, "it", "{}", 0)),
            null,
            "search.dlq");
        send(
            producer,
            topics.embeddings.name(),
            "bad-vector-wrong-model",
            serde.serialize(
                "",
                new EmbeddingRecord(
                    Modality.IMAGE, "cm-other", new float[spec.dim()], "it", "{}", 0)),
            null,
            "search.dlq");
        send(
            producer,
            topics.embeddings.name(),
            "bad-vector-garbage",
            "not a vector".getBytes(StandardCharsets.UTF_8),
            null,
            "search.dlq");
        producer.flush();
        ScrapedMetrics.awaitIndexed(stack.searchPort(), 2 * GOOD, Duration.ofMinutes(2));
        assertEquals(
            2 * GOOD,
            ScrapedMetrics.indexedVectors(stack.searchPort()),
            0.0,
            "the good items around the bad ones, and nothing else");
        for (int q = 0; q < 3; q++) {
          goodQueries.add("good-query-" + q);
          producer.send(
              new ProducerRecord<>(
                  topics.queries.name(),
                  "good-query-" + q,
                  ("{\"text\":\"" + items.get(q).captions().get(0).replace("\"", "") + "\"}")
                      .getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();

        Map<String, JsonNode> results = awaitOutcomes(stack.config(), topics, goodQueries);
        for (String good : goodQueries) {
          assertTrue(
              results.get(good).path("error").isNull(),
              "a good query answered: " + results.get(good));
          assertTrue(results.get(good).path("hits").size() > 0);
        }
      }
      int httpCases = httpCases(stack);
      for (int port : new int[] {stack.ingestPort(), stack.encoderPort(), stack.searchPort()}) {
        assertEquals(
            200,
            http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode(),
            "healthy after the bad input");
      }
      List<String> missed =
          expected.keySet().stream().filter(k -> !outcome.containsKey(k)).toList();
      System.out.println(
          "bad inputs: "
              + Json.MAPPER
                  .createObjectNode()
                  .put("bad_cases", expected.size() + httpCases)
                  .put("bad_cases_caught", expected.size() - missed.size() + httpCases)
                  .put("kafka_cases", expected.size())
                  .put("http_cases", httpCases));
      outcome.forEach((k, v) -> System.out.println("  " + k + " -> " + v));
      assertEquals(List.of(), missed, "bad inputs that did not end on a DLQ or in an error result");
    }
  }

  private static List<Path> corpus() throws Exception {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files
          .filter(
              p ->
                  !p.getFileName().toString().endsWith(".md")
                      && !p.getFileName().toString().endsWith(".jsonl"))
          .sorted()
          .toList();
    }
  }

  private void send(
      KafkaProducer<String, byte[]> producer,
      String topic,
      String key,
      byte[] value,
      String metadata,
      String endsOn) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
    if (metadata != null) {
      r.headers().add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    }
    producer.send(r);
    expected.put(key, endsOn);
  }

  /**
   * Reads both dead-letter topics and the results until every expected case and good query is
   * accounted for; checks the dead letters' headers. Returns the results by query id.
   */
  private Map<String, JsonNode> awaitOutcomes(
      Config config, Topics topics, List<String> goodQueries) throws Exception {
    Map<String, JsonNode> results = new HashMap<>();
    Map<String, Object> props = KafkaClients.consumer(config, "bad-input-it");
    props.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(
          List.of(topics.encoderDlq.name(), topics.searchDlq.name(), topics.results.name()));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!(outcome.keySet().containsAll(expected.keySet())
          && results.keySet().containsAll(goodQueries))) {
        assertTrue(
            System.nanoTime() < deadline,
            "still missing: "
                + expected.keySet().stream().filter(k -> !outcome.containsKey(k)).toList());
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          String key = r.key() == null ? "<null>" : new String(r.key(), StandardCharsets.UTF_8);
          if (r.topic().equals(topics.results.name())) {
            JsonNode result = Json.object(new String(r.value(), StandardCharsets.UTF_8));
            assertTrue(results.put(key, result) == null, "one result per query id: " + key);
            if (key.startsWith("bad-query-")) {
              assertTrue(
                  result.path("error").isTextual(),
                  "a bad query's result names the error: " + result);
              outcome.put(key, "result: " + result.path("error").asText());
            }
          } else if (key.startsWith("bad-") && !key.startsWith("bad-query-")) {
            String reason = DeadLetter.header(r.headers(), DeadLetter.ERROR_REASON);
            assertTrue(
                DeadLetter.header(r.headers(), DeadLetter.SOURCE_OFFSET).matches("\\d+"), key);
            assertTrue(!DeadLetter.header(r.headers(), DeadLetter.ERROR_MESSAGE).isBlank(), key);
            assertEquals(
                expected.get(key),
                r.topic().equals(topics.encoderDlq.name()) ? "encoder.dlq" : "search.dlq",
                key);
            outcome.put(key, r.topic() + ": " + reason);
          }
        }
      }
    }
    return results;
  }

  /** Bad HTTP requests: each must get a 4xx with a JSON reason. Returns how many were sent. */
  private int httpCases(LocalStack stack) throws Exception {
    String ingest = "http://localhost:" + stack.ingestPort();
    String search = "http://localhost:" + stack.searchPort();
    List<Object[]> cases =
        new ArrayList<>(
            List.of(
                new Object[] {ingest + "/v1/images", "image/png", new byte[0]},
                new Object[] {
                  ingest + "/v1/images", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)
                },
                new Object[] {ingest + "/v1/images", "image/png", new byte[10 * 1024 * 1024 + 1]},
                new Object[] {
                  ingest + "/v1/images",
                  "multipart/form-data; boundary=x",
                  "--x\r\nbroken".getBytes(StandardCharsets.UTF_8)
                },
                new Object[] {
                  ingest + "/v1/texts",
                  "application/json",
                  "{\"text\":\"  \"}".getBytes(StandardCharsets.UTF_8)
                },
                new Object[] {
                  ingest + "/v1/texts", "application/json", "{nope".getBytes(StandardCharsets.UTF_8)
                },
                new Object[] {
                  ingest + "/v1/texts",
                  "application/json",
                  "{\"text\":\"a\",\"metadata\":[1]}".getBytes(StandardCharsets.UTF_8)
                },
                new Object[] {
                  ingest + "/v1/batch",
                  "application/json",
                  "{\"items\":[]}".getBytes(StandardCharsets.UTF_8)
                }));
    for (String line : Files.readAllLines(CORPUS.resolve("queries.jsonl"))) {
      cases.add(
          new Object[] {
            search + "/v1/search",
            "application/json",
            Json.object(line).path("query").asText().getBytes(StandardCharsets.UTF_8)
          });
    }
    for (Object[] c : cases) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create((String) c[0]))
                  .header("Content-Type", (String) c[1])
                  .POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) c[2]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          r.statusCode() >= 400 && r.statusCode() < 500,
          c[0]
              + " "
              + new String(
                  (byte[]) c[2], 0, Math.min(60, ((byte[]) c[2]).length), StandardCharsets.UTF_8)
              + " -> "
              + r.statusCode()
              + " "
              + r.body());
      assertTrue(Json.object(r.body()).path("error").isTextual(), r.body());
    }
    return cases.size();
  }
}
