package io.crossmodal.encoder.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.encoder.api.QueryEncoding;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.JointEncoder;
import io.crossmodal.model.joint.Towers;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/encode} over a real HTTP server with the default model. */
class EncodeApiTest {
  private static JointEncoder model;
  private static HttpService http;
  private static PrometheusMeterRegistry registry;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    model = new JointEncoder(DefaultModel.load(null), 1);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    http = new HttpService("encoder-service", 0, () -> true, registry);
    Towers queries = model.withOwnImageTower();
    // The one model here is the active one: no ?model= means it, another id runs nowhere here.
    new EncodeApi(
            new QueryEncoding(
                id -> id == null || id.equals(model.modelId()) ? queries : null,
                new MediaValidator(new ImageDecoder(1 << 20, 4_000_000), 50, 1000),
                new EncoderMetrics(registry)),
            new QueryParser(100, 50, 1 << 20),
            1 << 20,
            Authenticator.none())
        .register(http);
    http.start();
  }

  @AfterAll
  static void stop() {
    http.close();
    model.close();
  }

  private HttpResponse<String> post(String json) throws Exception {
    return post("", json);
  }

  private HttpResponse<String> post(String query, String json) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + http.port() + "/v1/encode" + query))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldReturnTheEncodersUnitVectorWhenGivenATextOrAnImage() throws Exception {
    HttpResponse<String> text = post("{\"text\":\"a red car\",\"k\":5}");
    assertEquals(200, text.statusCode(), text.body());
    QueryVector v = Json.read(text.body(), QueryVector.class);
    assertEquals(model.modelId(), v.model());
    assertEquals(model.dim(), v.dimension());
    assertArrayEquals(
        model.encodeTexts(List.of("a red car"))[0],
        v.vector(),
        "the same vector the Kafka path indexes and queries with");
    assertTrue(v.encodeMillis() > 0);

    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(5, 5, 0xffff0000);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    HttpResponse<String> picture =
        post("{\"image\":\"" + Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}");
    assertEquals(200, picture.statusCode(), picture.body());
    float[] vector = Json.read(picture.body(), QueryVector.class).vector();
    assertArrayEquals(
        model.encodeImages(List.of(image))[0],
        vector,
        "the query's own image tower gives the media path's vector");
    double norm = 0;
    for (float x : vector) {
      norm += x * x;
    }
    assertEquals(1.0, norm, 1e-4);
  }

  @Test
  void shouldEncodeInTheNamedModelsSpaceAndAnswer503ForAModelThatDoesNotRunHere() throws Exception {
    HttpResponse<String> named = post("?model=" + model.modelId(), "{\"text\":\"a red car\"}");
    assertEquals(200, named.statusCode(), named.body());
    assertEquals(model.modelId(), Json.read(named.body(), QueryVector.class).model());

    HttpResponse<String> other = post("?model=cm-elsewhere", "{\"text\":\"a red car\"}");
    assertEquals(
        503, other.statusCode(), "not the client's error: the model is not (yet) served here");
    assertTrue(
        Json.object(other.body()).path("error").asText().contains("cm-elsewhere"), other.body());
    assertTrue(
        registry
            .scrape()
            .contains(
                "crossmodal_http_rejected_total{reason=\"model-unavailable\",service=\"encoder\"} 1.0"));
  }

  @Test
  void shouldRefuseWithAReasonAndCountWhenTheQueryCannotBeEncoded() throws Exception {
    String[][] cases = {
      {"{\"text\":", "malformed JSON"},
      {"{\"mediaId\":\"x\"}", "needs no encoding"},
      {"{\"text\":\"" + "word ".repeat(20) + "\"}", "exceeds the limit of 50"},
      {
        "{\"image\":\"" + Base64.getEncoder().encodeToString("not an image".getBytes()) + "\"}",
        "not a supported image format"
      },
      {"{\"text\":\"   \"}", "blank"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(c[0]);
      assertEquals(400, r.statusCode(), c[0]);
      assertTrue(Json.object(r.body()).path("error").asText().contains(c[1]), r.body());
    }
    String metrics = registry.scrape();
    assertTrue(
        metrics.contains(
            "crossmodal_http_rejected_total{reason=\"invalid-image\",service=\"encoder\"} 1.0"),
        metrics);
    // Over-long text is the query parser's refusal, as on the Kafka path: one validator for both.
    assertTrue(
        metrics.contains(
            "crossmodal_http_rejected_total{reason=\"invalid-query\",service=\"encoder\"} 4.0"),
        metrics);
  }
}
