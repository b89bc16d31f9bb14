package io.crossmodal.search.internal.query;

import io.crossmodal.common.serde.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Calls other search instances (their {@code application.server} address from Kafka Streams'
 * metadata): shard searches, stored vectors, and media lookups for items they hold. Thread safe.
 */
public final class PeerClient {
  /** Marks a request one instance forwarded to another, so it is never forwarded again. */
  public static final String FORWARDED = "X-Crossmodal-Forwarded";

  private final HttpClient http;
  private final Duration timeout;
  private final String scheme;
  private final String token;

  /**
   * @param scheme {@code http} or {@code https} (the instances' own, see {@code http.tls.keystore})
   * @param token the services' internal token ({@code auth.internal.token}), sent as a bearer token
   *     when not empty
   */
  public PeerClient(HttpClient http, String scheme, Duration timeout, String token) {
    this.http = http;
    this.scheme = scheme;
    this.timeout = timeout;
    this.token = token;
  }

  private HttpRequest.Builder request(String hostPort, String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(scheme + "://" + hostPort + path)).timeout(timeout);
    return token.isEmpty() ? b : b.header("Authorization", "Bearer " + token);
  }

  /**
   * The peer's answer for its shards among the request's; fails when the peer fails or is too slow.
   */
  public CompletableFuture<PartialAnswer> search(String hostPort, ShardSearchRequest request) {
    // A read-your-writes request may wait on the peer for its positions: the timeout grows by that
    // wait.
    HttpRequest r =
        request(hostPort, "/internal/v1/shard-search")
            .timeout(timeout.plusMillis(request.afterMillis()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(request), StandardCharsets.UTF_8))
            .build();
    return http.sendAsync(r, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() == 504) {
                throw new NotYetSearchable(
                    Json.object(response.body()).path("error").asText(response.body()));
              }
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "peer "
                        + hostPort
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + response.body());
              }
              return Json.read(response.body(), PartialAnswer.class);
            });
  }

  /**
   * The stored vector of {@code id} in {@code model}'s space on the peer that holds its shard;
   * empty when it has none.
   */
  public Optional<float[]> vector(String hostPort, String model, String id) throws Exception {
    HttpResponse<byte[]> r =
        get(hostPort, "/internal/v1/vectors/" + encode(id) + "?model=" + encode(model));
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "peer " + hostPort + " answered " + r.statusCode() + " for the vector of " + id);
    }
    return Optional.of(Json.MAPPER.readValue(r.body(), float[].class));
  }

  /** GET {@code path} on the peer, marked as forwarded. */
  public HttpResponse<byte[]> get(String hostPort, String path) throws Exception {
    return http.send(
        request(hostPort, path).header(FORWARDED, "1").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
