package io.crossmodal.ingest.internal.http;

import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.http.Rejections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every ingest route does before and after its own work: authentication (the write right),
 * then idempotency. A POST may carry {@code Idempotency-Key}: a retry with the same key and the
 * same request gets the first answer back (header {@code Idempotent-Replayed: true}) and creates
 * nothing; the same key with a different request is a {@code 422}; see {@link IdempotencyKeys}.
 * Thread safe.
 */
final class RequestGuard {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** A route's own work, which returns its 2xx answer or throws its 4xx. */
  @FunctionalInterface
  interface Endpoint {
    /**
     * @param key the request's idempotency key, or null
     */
    Response handle(HttpExchange ex, String key, byte[] body) throws Exception;
  }

  /** A route's answer, kept whole so a retry with the same idempotency key gets it again. */
  record Response(int status, String body) {}

  private final Authenticator auth;
  private final Rejections rejections;
  private final int maxRequestBytes;
  private final IdempotencyKeys idempotency =
      new IdempotencyKeys(100_000, TimeUnit.HOURS.toMillis(24));

  /**
   * @param maxRequestBytes largest request body any route takes
   */
  RequestGuard(Authenticator auth, Rejections rejections, int maxRequestBytes) {
    this.auth = auth;
    this.rejections = rejections;
    this.maxRequestBytes = maxRequestBytes;
  }

  HttpService.Handler around(Endpoint endpoint) {
    return ex -> {
      authorize(ex);
      String key = ex.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
      if (key == null || !ex.getRequestMethod().equals("POST")) {
        Response r = endpoint.handle(ex, null, HttpService.body(ex, maxRequestBytes));
        HttpService.sendJson(ex, r.status(), r.body());
        return;
      }
      if (key.isBlank() || key.length() > 255) {
        throw rejections.reject(
            400, IDEMPOTENCY_KEY + " must be 1 to 255 characters", "invalid-idempotency-key");
      }
      byte[] body = HttpService.body(ex, maxRequestBytes);
      String fingerprint = fingerprint(ex, body);
      IdempotencyKeys.Answer first = idempotency.get(key, System.currentTimeMillis());
      if (first != null) {
        if (!first.fingerprint().equals(fingerprint)) {
          throw rejections.reject(
              422,
              IDEMPOTENCY_KEY + " '" + key + "' was already used for a different request",
              "idempotency-key-reused");
        }
        ex.getResponseHeaders().add("Idempotent-Replayed", "true");
        HttpService.sendJson(ex, first.status(), first.body());
        return;
      }
      Response r = endpoint.handle(ex, key, body);
      idempotency.put(
          key,
          new IdempotencyKeys.Answer(
              fingerprint, r.status(), r.body(), System.currentTimeMillis()));
      HttpService.sendJson(ex, r.status(), r.body());
    };
  }

  private void authorize(HttpExchange ex) throws HttpError {
    try {
      auth.require(ex, Authenticator.Right.WRITE);
    } catch (HttpError e) {
      throw rejections.reject(
          e.status(), e.getMessage(), e.status() == 401 ? "unauthenticated" : "forbidden");
    }
  }

  /** What makes two requests the same: method, URI, the headers that carry data, the body. */
  private static String fingerprint(HttpExchange ex, byte[] body) {
    StringBuilder sb =
        new StringBuilder(ex.getRequestMethod())
            .append(' ')
            .append(ex.getRequestURI())
            .append('\n');
    for (String h : List.of("Content-Type", "X-Caption", "X-Source", "X-Metadata")) {
      sb.append(h).append(':').append(ex.getRequestHeaders().getFirst(h)).append('\n');
    }
    return IdempotencyKeys.sha256(sb.toString()) + IdempotencyKeys.sha256(body);
  }
}
