package io.crossmodal.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared HTTP face over a real server: errors become JSON reasons, a 503 says when to retry.
 */
class HttpServiceTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldTellTheClientWhenToRetryWhenAHandlerCannotAnswerNow() throws Exception {
    try (HttpService service =
        new HttpService(
            "test", 0, () -> true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      service
          .route(
              "/busy",
              ex -> {
                throw new HttpError(503, "no shard answered");
              })
          .route(
              "/bad",
              ex -> {
                throw new HttpError(400, "'k' must be between 1 and 100");
              })
          .start();

      HttpResponse<String> busy = get(service, "/busy");
      HttpResponse<String> bad = get(service, "/bad");

      assertEquals(503, busy.statusCode());
      assertEquals("1", busy.headers().firstValue("Retry-After").orElse(null));
      assertTrue(busy.body().contains("no shard answered"), busy.body());
      assertEquals(400, bad.statusCode());
      assertTrue(
          bad.headers().firstValue("Retry-After").isEmpty(), "a client's mistake is not retried");
    }
  }

  private HttpResponse<String> get(HttpService service, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldTurnAwayRequestsBeyondTheBoundButKeepAnsweringProbesWhenTheApiIsSaturated()
      throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpLimits one = new HttpLimits(5000, 5000, 1, 1, 100, 1 << 20);
    try (HttpService service =
        new HttpService(
            "test",
            0,
            one,
            TlsSettings.none(),
            () -> true,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      service
          .route(
              "/slow",
              ex -> {
                inside.countDown();
                release.await(
                    10,
                    TimeUnit.SECONDS); // bounded: a broken bound must fail the test, not hang it
                HttpService.sendJson(ex, 200, "{}");
              })
          .start();
      var first =
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/slow"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(inside.await(10, TimeUnit.SECONDS), "the first request holds the only API slot");

      HttpResponse<String> second = get(service, "/slow");
      HttpResponse<String> health = get(service, "/health");
      release.countDown();

      assertEquals(503, second.statusCode(), second.body());
      assertEquals("1", second.headers().firstValue("Retry-After").orElse(null));
      assertEquals(200, health.statusCode(), "probes have their own lane");
      assertEquals(200, first.get().statusCode());
    }
  }

  @Test
  void shouldFinishRequestsInFlightWhenStopped() throws Exception {
    HttpService service =
        new HttpService(
            "test", 0, () -> true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    CountDownLatch started = new CountDownLatch(1);
    service
        .route(
            "/work",
            ex -> {
              started.countDown();
              Thread.sleep(1000);
              HttpService.sendJson(ex, 200, "{\"done\":true}");
            })
        .start();
    var inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + "/work"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    started.await();

    service.close(); // while the request is still being handled

    HttpResponse<String> r = inFlight.get();
    assertEquals(200, r.statusCode(), "drained, not cut");
    assertTrue(r.body().contains("done"));
  }
}
