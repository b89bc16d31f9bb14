package io.crossmodal.search.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.api.QueryEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks the encoder service to turn a query's text or image into a vector ({@code POST /v1/encode}):
 * one HTTP call instead of the two Kafka hops of the topic route. A query the encoder refuses
 * (undecodable image, text too long) is the client's error (400 with the encoder's reason); an
 * encoder that cannot be reached is a 503. Thread safe.
 */
public final class EncoderClient implements QueryEncoder {
  private final HttpClient http;
  private final URI encode;
  private final Duration timeout;
  private final String token;

  public EncoderClient(HttpClient http, String baseUrl, Duration timeout) {
    this(http, baseUrl, timeout, "");
  }

  /**
   * @param token the services' internal token, sent as a bearer token when not empty (the encoder's
   *     auth)
   */
  public EncoderClient(HttpClient http, String baseUrl, Duration timeout, String token) {
    this.http = http;
    this.encode = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/encode");
    this.timeout = timeout;
    this.token = token;
  }

  /**
   * Sends the client's query as it came (its {@code text} or {@code image} is encoded; other fields
   * are ignored).
   */
  @Override
  public QueryVector encode(String model, String queryJson, SearchQuery query)
      throws HttpError, InterruptedException {
    HttpResponse<String> response;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(encode + "?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8)))
              .timeout(timeout)
              .header("Content-Type", "application/json");
      if (!token.isEmpty()) {
        request.header("Authorization", "Bearer " + token);
      }
      response =
          http.send(
              request
                  .POST(HttpRequest.BodyPublishers.ofString(queryJson, StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new HttpError(503, "encoder at " + encode + " unavailable: " + e);
    }
    if (response.statusCode() == 200) {
      return Json.read(response.body(), QueryVector.class);
    }
    JsonNode body = Json.object(response.body());
    String reason = body.path("error").asText("status " + response.statusCode());
    if (response.statusCode() >= 400 && response.statusCode() < 500) {
      throw new HttpError(400, reason);
    }
    throw new HttpError(503, "encoder failed: " + reason);
  }
}
