package io.crossmodal.ingest.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest API over a real HTTP server; the Kafka side is Kafka's own {@link MockProducer}
 * (acknowledging at once), so the test sees exactly which records each request produced.
 */
class IngestApiTest {
  private static final byte[] PNG =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
  private final HttpClient http = HttpClient.newHttpClient();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final Topics topics = Topics.defaults();
  private HttpService server;

  private String start(String token) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    server = new HttpService("ingest-test", 0, () -> true, registry);
    new IngestApi(
            producer,
            topics,
            new MediaValidator(new ImageDecoder(1000, 1_000_000), 1000, 1000),
            100_000,
            Authenticator.of(
                Config.defaults()
                    .with(
                        token.isEmpty()
                            ? Map.of()
                            : Map.of(
                                "auth.write.tokens",
                                token,
                                "auth.read.tokens",
                                "reader",
                                "auth.internal.token",
                                "internal"))),
            registry)
        .register(server);
    server.start();
    return "http://localhost:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void exportsItsRecordCountersAtZeroBeforeTheFirstRequest() throws Exception {
    String base = start("");
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String topic :
        new String[] {topics.mediaImages.name(), topics.mediaTexts.name(), "batch"}) {
      assertTrue(
          metrics.contains(
              "crossmodal_records_out_total{service=\"ingest\",topic=\"" + topic + "\"} 0.0"),
          topic + ":\n" + metrics);
    }
  }

  @Test
  void shouldRequireTheBearerTokenWhenOneIsConfigured() throws Exception {
    String base = start("s3cret");
    String text = "{\"text\":\"a red car\"}";

    HttpResponse<String> none = post(base + "/v1/texts", text);
    HttpResponse<String> wrong = post(base + "/v1/texts", text, "Authorization", "Bearer nope");
    HttpResponse<String> readOnly =
        post(base + "/v1/texts", text, "Authorization", "Bearer reader");
    HttpResponse<String> right = post(base + "/v1/texts", text, "Authorization", "Bearer s3cret");

    assertEquals(401, none.statusCode());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    assertEquals(403, wrong.statusCode());
    assertEquals(403, readOnly.statusCode());
    assertTrue(readOnly.body().contains("lacks the write right"), readOnly.body());
    assertEquals(202, right.statusCode());
    assertEquals(1, producer.history().size(), "only the authorised request produced a record");
    assertEquals(
        200,
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode(),
        "health stays open for probes");
  }

  @Test
  void shouldCreateOneItemWhenAPostIsRetriedWithTheSameIdempotencyKey() throws Exception {
    String base = start("");
    HttpResponse<String> first =
        post(base + "/v1/texts", "{\"text\":\"a red car\"}", "Idempotency-Key", "k-1");
    HttpResponse<String> retry =
        post(base + "/v1/texts", "{\"text\":\"a red car\"}", "Idempotency-Key", "k-1");
    HttpResponse<String> misuse =
        post(base + "/v1/texts", "{\"text\":\"a blue car\"}", "Idempotency-Key", "k-1");

    assertEquals(202, first.statusCode());
    assertEquals(first.body(), retry.body());
    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
    assertEquals(422, misuse.statusCode());
    assertEquals(1, producer.history().size(), "the retry produced nothing");
    assertEquals(
        IdempotencyKeys.mediaId("k-1"),
        Json.object(first.body()).path("id").asText(),
        "the id derives from the key, so a retry on another instance rewrites the same item");
  }

  @Test
  void shouldAnswerPerItemWhenABatchMixesGoodAndBadItems() throws Exception {
    String base = start("");
    String batch =
        "{\"items\":["
            + "{\"text\":\"a red car\",\"id\":\"t1\",\"metadata\":{\"tags\":[\"car\"]}},"
            + "{\"text\":\"   \"},"
            + "{\"image\":\""
            + Base64.getEncoder().encodeToString(PNG)
            + "\",\"contentType\":\"image/png\",\"caption\":\"a dot\",\"id\":\"i1\"},"
            + "{\"image\":\"***\",\"contentType\":\"image/png\"},"
            + "{\"image\":\""
            + Base64.getEncoder().encodeToString(new byte[2000])
            + "\",\"contentType\":\"image/png\"},"
            + "{\"text\":\"x\",\"image\":\"AA==\"},"
            + "42]}";

    HttpResponse<String> r = post(base + "/v1/batch", batch);

    assertEquals(200, r.statusCode(), r.body());
    JsonNode out = Json.object(r.body());
    assertEquals(2, out.path("accepted").asInt());
    assertEquals(5, out.path("rejected").asInt());
    int[] statuses = new int[7];
    out.path("results")
        .forEach(res -> statuses[res.path("index").asInt()] = res.path("status").asInt());
    assertEquals("[202, 400, 202, 400, 413, 400, 400]", Arrays.toString(statuses));
    assertEquals(2, producer.history().size());
    assertEquals(topics.mediaTexts.name(), producer.history().get(0).topic());
    assertEquals("i1", producer.history().get(1).key());
    assertTrue(
        new String(producer.history().get(1).headers().lastHeader("metadata").value())
            .contains("\"caption\":\"a dot\""));
  }

  @Test
  void shouldRejectBatchesThatAreNotBatches() throws Exception {
    String base = start("");
    assertEquals(400, post(base + "/v1/batch", "{\"items\":[]}").statusCode());
    assertEquals(400, post(base + "/v1/batch", "[1,2]").statusCode());
    assertEquals(400, post(base + "/v1/batch", "{nope").statusCode());
    StringBuilder many = new StringBuilder("{\"items\":[");
    for (int i = 0; i <= IngestApi.MAX_BATCH_ITEMS; i++) {
      many.append(i == 0 ? "" : ",").append("{\"text\":\"t\"}");
    }
    assertEquals(413, post(base + "/v1/batch", many.append("]}").toString()).statusCode());
    assertEquals(
        413,
        post(base + "/v1/texts", "{\"text\":\"" + "x".repeat(1001) + "\"}").statusCode(),
        "text over the item limit");
    assertEquals(0, producer.history().size());
  }

  @Test
  void shouldRefuseWithA4xxWhatTheEncoderWouldDeadLetter() throws Exception {
    String base = start("");
    String[][] cases = {
      {
        "/v1/texts",
        "{\"text\":\"a cat\",\"metadata\":{\"tags\":\"cat\"}}",
        "400",
        "'tags' must be an array"
      },
      {
        "/v1/texts",
        "{\"text\":\"a cat\",\"metadata\":{\"caption\":\"" + "y".repeat(1000) + "\"}}",
        "400",
        "exceeds the limit of 1000"
      },
      {
        "/v1/texts",
        "{\"text\":\"" + "z".repeat(1001) + "\"}",
        "413",
        "1001 chars exceeds the limit of 1000"
      },
      {
        "/v1/batch",
        "{\"items\":[{\"image\":\""
            + Base64.getEncoder().encodeToString("not an image".getBytes())
            + "\",\"contentType\":\"image/png\"}]}",
        "200",
        "not a supported image format"
      },
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(base + c[0], c[1]);
      assertEquals(Integer.parseInt(c[2]), r.statusCode(), r.body());
      assertTrue(r.body().contains(c[3]), r.body());
    }
    HttpResponse<String> undecodable =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/images"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(PNG, PNG.length / 2)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, undecodable.statusCode(), undecodable.body());
    assertEquals(0, producer.history().size(), "no 202 and no record for any of them");
  }
}
