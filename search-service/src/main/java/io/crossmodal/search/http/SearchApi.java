package io.crossmodal.search.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.processor.ShardProcessor;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code POST /v1/search}: validates the query (400 with a reason), writes it to
 * {@code search.queries} like any client would, and returns the merged result as soon as every
 * shard answered (see {@link ResultWaiter}; 422 when unanswerable, 504 after the request timeout). {@code GET /v1/media/{id}}: the stored
 * metadata of an indexed item (404 when this instance holds no such item), and
 * {@code GET /v1/media/{id}/image} its PNG preview; {@code GET /} a search page for people.
 */
public final class SearchApi {
  private static final int MAX_BODY = 16 << 20;
  private final Producer<String, String> producer;
  private final String queriesTopic;
  private final ResultWaiter results;
  private final QueryParser parser;
  private final long timeoutMillis;
  private final Function<String, byte[]> storedEmbedding;
  private final EmbeddingSerde serde = new EmbeddingSerde();

  public SearchApi(Producer<String, String> producer, String queriesTopic, ResultWaiter results, QueryParser parser,
      long timeoutMillis, Function<String, byte[]> storedEmbedding) {
    this.producer = producer;
    this.queriesTopic = queriesTopic;
    this.results = results;
    this.parser = parser;
    this.timeoutMillis = timeoutMillis;
    this.storedEmbedding = storedEmbedding;
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
    String body = new String(HttpService.body(ex, MAX_BODY), StandardCharsets.UTF_8);
    try {
      parser.parse(body);
    } catch (InvalidQueryException e) {
      throw new HttpError(400, e.getMessage());
    }
    String queryId = UUID.randomUUID().toString();
    var future = results.expect(queryId);
    producer.send(new ProducerRecord<>(queriesTopic, queryId, body)).get(timeoutMillis, TimeUnit.MILLISECONDS);
    try {
      String result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      JsonNode node = Json.MAPPER.readTree(result);
      int status = node.path("error").isTextual() ? 422 : 200;
      HttpService.sendJson(ex, status, result);
    } catch (TimeoutException e) {
      results.forget(queryId);
      throw new HttpError(504, "no result for query " + queryId + " within " + timeoutMillis + " ms");
    }
  }

  private void media(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "GET");
    String path = ex.getRequestURI().getRawPath().substring("/v1/media/".length());
    boolean wantsImage = path.endsWith("/image");
    String id = java.net.URLDecoder.decode(wantsImage ? path.substring(0, path.length() - "/image".length()) : path, StandardCharsets.UTF_8);
    byte[] stored = id.isEmpty() ? null : storedEmbedding.apply(id);
    if (stored == null) {
      throw new HttpError(404, "no indexed media with id '" + id + "' on this instance");
    }
    EmbeddingRecord r = serde.deserialize("", stored);
    ObjectNode metadata = (ObjectNode) Json.object(r.metadata());
    JsonNode thumbnail = metadata.remove(ShardProcessor.THUMBNAIL);
    if (wantsImage) {
      if (thumbnail == null || !thumbnail.isTextual()) {
        throw new HttpError(404, "media '" + id + "' has no image");
      }
      HttpService.send(ex, 200, "image/png", java.util.Base64.getDecoder().decode(thumbnail.asText()));
      return;
    }
    ObjectNode out = Json.MAPPER.createObjectNode().put("id", id).put("modality", r.modality().wireName()).put("model", r.modelId())
        .put("source", r.source()).put("dimension", r.dimension()).put("createdAt", r.createdAtMillis());
    out.set("metadata", metadata);
    if (thumbnail != null) {
      out.put("image", "/v1/media/" + id + "/image");
    }
    HttpService.sendJson(ex, 200, out.toString());
  }
}
