package io.crossmodal.search.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.processor.ShardProcessor;
import io.crossmodal.search.internal.query.PeerClient;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code POST /v1/search}: validates the query (400 with a reason) and answers it by the configured
 * {@link QueryRoute} (422 when unanswerable, e.g. an unknown mediaId). {@code GET /v1/media/{id}}:
 * the stored metadata of an indexed item, and {@code GET /v1/media/{id}/image} its PNG preview,
 * from this instance's shard or forwarded to the instance serving the item's shard (404 when no
 * shard holds it); {@code GET /} a search page for people.
 */
public final class SearchApi {
  private static final int MAX_BODY = 16 << 20;

  /** How a validated query is answered: the merged result as JSON. */
  @FunctionalInterface
  public interface QueryRoute {
    String answer(String body, SearchQuery query) throws Exception;
  }

  /**
   * The stored embedding record of an item if its shard runs here, else null; a 503 while that
   * shard cannot be read.
   */
  @FunctionalInterface
  public interface StoredMedia {
    byte[] get(String id) throws HttpError;
  }

  /**
   * GET of a media path on the instance serving the item's shard; empty when that is this instance
   * or none.
   */
  @FunctionalInterface
  public interface MediaOwner {
    Optional<HttpResponse<byte[]>> forward(String id, String path) throws Exception;
  }

  private final QueryRoute route;
  private final QueryParser parser;
  private final StoredMedia storedEmbedding;
  private final MediaOwner owner;
  private final Supplier<SearchMetrics> metrics;
  private final Authenticator auth;
  private final EmbeddingSerde serde = new EmbeddingSerde();

  /**
   * @param auth searches and media lookups need the read right when auth is on; the page itself is
   *     open
   * @param metrics the active model's (refusals are counted where the query would have run); null
   *     while no model is active: 503
   */
  public SearchApi(
      QueryRoute route,
      QueryParser parser,
      StoredMedia storedEmbedding,
      MediaOwner owner,
      Authenticator auth,
      Supplier<SearchMetrics> metrics) {
    this.auth = auth;
    this.route = route;
    this.parser = parser;
    this.storedEmbedding = storedEmbedding;
    this.owner = owner;
    this.metrics = metrics;
  }

  public void register(HttpService http) {
    http.route("/v1/search", this::search);
    http.route("/v1/media/", this::media);
    http.route("/", this::page);
  }

  /** The search page for people; every other unknown path is a 404. */
  private void page(HttpExchange ex) throws Exception {
    String path = ex.getRequestURI().getPath();
    if (!path.equals("/") && !path.equals("/index.html")) {
      throw new HttpError(404, "no such resource: " + path);
    }
    HttpService.requireMethod(ex, "GET");
    try (var in = SearchApi.class.getResourceAsStream("index.html")) {
      HttpService.send(ex, 200, "text/html; charset=utf-8", in.readAllBytes());
    }
  }

  private void search(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    auth.require(ex, Authenticator.Right.READ);
    SearchMetrics active = metrics.get();
    if (active == null) {
      throw new HttpError(503, "no model is active yet (see ./crossmodal model status)");
    }
    String body = new String(HttpService.body(ex, MAX_BODY), StandardCharsets.UTF_8);
    SearchQuery query;
    try {
      query = parser.parse(body);
    } catch (InvalidQueryException e) {
      active.rejected("invalid-query");
      throw new HttpError(400, e.getMessage());
    }
    String result = route.answer(body, query);
    int status = Json.MAPPER.readTree(result).path("error").isTextual() ? 422 : 200;
    HttpService.sendJson(ex, status, result);
  }

  private void media(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "GET");
    auth.require(ex, Authenticator.Right.READ);
    String rawPath = ex.getRequestURI().getRawPath();
    String path = rawPath.substring("/v1/media/".length());
    boolean wantsImage = path.endsWith("/image");
    String id =
        URLDecoder.decode(
            wantsImage ? path.substring(0, path.length() - "/image".length()) : path,
            StandardCharsets.UTF_8);
    byte[] stored = id.isEmpty() ? null : storedEmbedding.get(id);
    if (stored == null) {
      if (!id.isEmpty() && ex.getRequestHeaders().getFirst(PeerClient.FORWARDED) == null) {
        Optional<HttpResponse<byte[]>> forwarded = owner.forward(id, rawPath);
        if (forwarded.isPresent()) {
          HttpResponse<byte[]> r = forwarded.get();
          HttpService.send(
              ex,
              r.statusCode(),
              r.headers().firstValue("Content-Type").orElse("application/json"),
              r.body());
          return;
        }
      }
      throw new HttpError(404, "no indexed media with id '" + id + "'");
    }
    EmbeddingRecord r = serde.deserialize("", stored);
    ObjectNode metadata = (ObjectNode) Json.object(r.metadata());
    JsonNode thumbnail = metadata.remove(ShardProcessor.THUMBNAIL);
    if (wantsImage) {
      if (thumbnail == null || !thumbnail.isTextual()) {
        throw new HttpError(404, "media '" + id + "' has no image");
      }
      HttpService.send(ex, 200, "image/png", Base64.getDecoder().decode(thumbnail.asText()));
      return;
    }
    ObjectNode out =
        Json.MAPPER
            .createObjectNode()
            .put("id", id)
            .put("modality", r.modality().wireName())
            .put("model", r.modelId())
            .put("source", r.source())
            .put("dimension", r.dimension())
            .put("createdAt", r.createdAtMillis());
    out.set("metadata", metadata);
    if (thumbnail != null) {
      out.put("image", "/v1/media/" + id + "/image");
    }
    HttpService.sendJson(ex, 200, out.toString());
  }
}
