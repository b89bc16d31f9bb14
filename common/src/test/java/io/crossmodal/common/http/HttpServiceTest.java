package io.crossmodal.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The shared HTTP face over a real server: errors become JSON reasons, a 503 says when to retry. */
class HttpServiceTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldTellTheClientWhenToRetryWhenAHandlerCannotAnswerNow() throws Exception {
    try (HttpService service = new HttpService("test", 0, () -> true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      service.route("/busy", ex -> {
        throw new HttpError(503, "no shard answered");
      }).route("/bad", ex -> {
        throw new HttpError(400, "'k' must be between 1 and 100");
      }).start();

      HttpResponse<String> busy = get(service, "/busy");
      HttpResponse<String> bad = get(service, "/bad");

      assertEquals(503, busy.statusCode());
      assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
      assertTrue(busy.body().contains("no shard answered"), busy.body());
      assertEquals(400, bad.statusCode());
      assertTrue(bad.headers().firstValue("Retry-After").isEmpty(), "a client's mistake is not retried");
    }
  }

  private HttpResponse<String> get(HttpService service, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
