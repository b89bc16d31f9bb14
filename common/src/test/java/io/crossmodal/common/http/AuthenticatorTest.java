package io.crossmodal.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens and rights over a real HTTP server: 401 without a token, 403 for a wrong one or a missing
 * right.
 */
class AuthenticatorTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void shouldGrantEachTokenOnlyItsRightWhenAuthIsOn() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# people\nread  from-file-reader\nwrite from-file-writer\n");
    Authenticator auth =
        Authenticator.of(
            Config.defaults()
                .with(
                    Map.of(
                        "auth.read.tokens",
                        "r1, r2",
                        "auth.write.tokens",
                        "w1",
                        "auth.tokens.file",
                        file.toString(),
                        "auth.internal.token",
                        "peer-secret")));
    try (HttpService service =
        new HttpService(
            "t", 0, () -> true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      service
          .route(
              "/read",
              ex -> {
                auth.require(ex, Authenticator.Right.READ);
                HttpService.sendJson(ex, 200, "{}");
              })
          .route(
              "/write",
              ex -> {
                auth.require(ex, Authenticator.Right.WRITE);
                HttpService.sendJson(ex, 200, "{}");
              })
          .route(
              "/internal",
              ex -> {
                auth.require(ex, Authenticator.Right.INTERNAL);
                HttpService.sendJson(ex, 200, "{}");
              })
          .start();

      HttpResponse<String> none = call(service, "/read", null);
      assertEquals(401, none.statusCode());
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      assertEquals(403, call(service, "/read", "nope").statusCode());
      assertEquals(200, call(service, "/read", "r2").statusCode());
      assertEquals(200, call(service, "/read", "from-file-reader").statusCode());
      assertEquals(403, call(service, "/read", "w1").statusCode(), "write does not imply read");
      assertEquals(200, call(service, "/write", "from-file-writer").statusCode());
      assertEquals(403, call(service, "/write", "r1").statusCode());
      assertTrue(call(service, "/write", "r1").body().contains("lacks the write right"));
      assertEquals(
          403, call(service, "/internal", "r1").statusCode(), "a client token is not a peer's");
      assertEquals(200, call(service, "/internal", "peer-secret").statusCode());
      assertEquals(
          200,
          call(service, "/read", "peer-secret").statusCode(),
          "services call each other's APIs with it");
      assertEquals(
          200,
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://localhost:" + service.port() + "/read?access_token=r1"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "a GET may carry it in the URL, as an <img src> must");
      assertEquals(200, call(service, "/health", null).statusCode(), "probes need no token");
    }
  }

  @Test
  void shouldRefuseToStartWhenAuthIsOnWithoutAnInternalTokenOrWithABadFile() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Authenticator.of(Config.defaults().with(Map.of("auth.read.tokens", "r1"))));
    assertTrue(e.getMessage().contains("auth.internal.token"), e.getMessage());
    Path bad = dir.resolve("bad");
    Files.writeString(bad, "admin topsecret\n");
    IllegalArgumentException line =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Authenticator.of(
                    Config.defaults()
                        .with(
                            Map.of(
                                "auth.tokens.file", bad.toString(), "auth.internal.token", "x"))));
    assertTrue(
        line.getMessage().contains("line 1") && !line.getMessage().contains("topsecret"),
        "names the line, never the secret");
    assertFalse(Authenticator.of(Config.defaults()).enabled(), "no token: off");
  }

  private HttpResponse<String> call(HttpService service, String path, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://localhost:" + service.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
