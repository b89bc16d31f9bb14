package io.crossmodal.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The ingest HTTP API. Each accepted request is acknowledged ({@code 202} with the id) only after
 * the broker confirmed the write ({@code acks=all}), so an acknowledged item is never lost.
 *
 * <ul>
 *   <li>{@code POST /v1/images}: raw image body with its {@code Content-Type}; optional {@code ?id=},
 *       {@code X-Caption}, {@code X-Source}, {@code X-Metadata} (JSON object) headers; or
 *       {@code multipart/form-data} with an {@code image} file part and optional {@code caption},
 *       {@code metadata}, {@code source}, {@code id} fields.
 *   <li>{@code POST /v1/texts}: JSON {@code {"text": …, "id"?, "source"?, "metadata"?}}.
 *   <li>{@code DELETE /v1/media/{id}}: a tombstone on both media topics.
 * </ul>
 */
public final class IngestApi {
  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final int maxBytes;
  private final MeterRegistry registry;

  public IngestApi(Producer<String, byte[]> producer, Topics topics, int maxBytes, MeterRegistry registry) {
    this.producer = producer;
    this.topics = topics;
    this.maxBytes = maxBytes;
    this.registry = registry;
  }

  public void register(HttpService http) {
    http.route("/v1/images", this::image);
    http.route("/v1/texts", this::text);
    http.route("/v1/media/", this::delete);
  }

  private void image(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    byte[] body = HttpService.body(ex, maxBytes);
    String caption = ex.getRequestHeaders().getFirst("X-Caption");
    String metadataJson = ex.getRequestHeaders().getFirst("X-Metadata");
    String source = ex.getRequestHeaders().getFirst("X-Source");
    String id = queryParam(ex, "id");
    if (type != null && type.toLowerCase().startsWith("multipart/form-data")) {
      MultipartForm form;
      try {
        form = MultipartForm.parse(type, body);
      } catch (IllegalArgumentException e) {
        throw reject(400, e.getMessage(), "malformed-multipart");
      }
      MultipartForm.Part image = form.part("image");
      if (image == null) {
        throw reject(400, "multipart form needs an 'image' part", "missing-image");
      }
      type = image.contentType();
      body = image.body();
      caption = form.part("caption") == null ? caption : form.part("caption").text();
      metadataJson = form.part("metadata") == null ? metadataJson : form.part("metadata").text();
      source = form.part("source") == null ? source : form.part("source").text();
      id = form.part("id") == null ? id : form.part("id").text();
    }
    if (type == null || !type.toLowerCase().startsWith("image/")) {
      throw reject(415, "Content-Type must be image/* (or multipart/form-data with an image part), got " + type,
          "unsupported-media-type");
    }
    if (body.length == 0) {
      throw reject(400, "empty image body", "empty-image");
    }
    var metadata = metadata(metadataJson);
    if (caption != null && !caption.isBlank()) {
      metadata.put("caption", caption);
    }
    metadata.put("contentType", type);
    String mediaId = idFrom(id);
    send(topics.mediaImages.name(), mediaId, body, type, source, metadata.toString());
    accepted(ex, mediaId, "image");
  }

  private void text(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    JsonNode req;
    try {
      req = Json.MAPPER.readTree(HttpService.body(ex, maxBytes));
    } catch (java.io.IOException e) {
      throw reject(400, "malformed JSON body", "malformed-json");
    }
    if (req == null || !req.path("text").isTextual() || req.get("text").asText().isBlank()) {
      throw reject(400, "'text' must be a non-blank string", "empty-text");
    }
    JsonNode meta = req.path("metadata");
    if (!meta.isMissingNode() && !meta.isObject()) {
      throw reject(400, "'metadata' must be a JSON object", "invalid-metadata");
    }
    String id = idFrom(req.path("id").isTextual() ? req.get("id").asText() : null);
    send(topics.mediaTexts.name(), id, req.get("text").asText().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8",
        req.path("source").isTextual() ? req.get("source").asText() : null, meta.isObject() ? meta.toString() : "{}");
    accepted(ex, id, "text");
  }

  private void delete(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "DELETE");
    String id = URLDecoder.decode(ex.getRequestURI().getRawPath().substring("/v1/media/".length()), StandardCharsets.UTF_8);
    if (id.isBlank()) {
      throw reject(400, "missing media id", "missing-id");
    }
    producer.send(new ProducerRecord<>(topics.mediaImages.name(), id, null)).get(30, TimeUnit.SECONDS);
    producer.send(new ProducerRecord<>(topics.mediaTexts.name(), id, null)).get(30, TimeUnit.SECONDS);
    accepted(ex, id, "delete");
  }

  private com.fasterxml.jackson.databind.node.ObjectNode metadata(String header) throws HttpError {
    if (header == null || header.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(header);
      if (n != null && n.isObject()) {
        return (com.fasterxml.jackson.databind.node.ObjectNode) n;
      }
    } catch (java.io.IOException e) {
      // reported below
    }
    throw reject(400, "X-Metadata must be a JSON object", "invalid-metadata");
  }

  private void send(String topic, String id, byte[] value, String contentType, String source, String metadata) throws Exception {
    RecordHeaders h = new RecordHeaders();
    h.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
    h.add("source", (source == null ? "ingest-service" : source).getBytes(StandardCharsets.UTF_8));
    h.add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    producer.send(new ProducerRecord<>(topic, null, id, value, h)).get(30, TimeUnit.SECONDS);
    Counter.builder("crossmodal.records.out").tag("service", "ingest").tag("topic", topic).register(registry).increment();
  }

  private void accepted(HttpExchange ex, String id, String kind) throws java.io.IOException {
    HttpService.sendJson(ex, 202, Json.MAPPER.createObjectNode().put("id", id).put("status", "accepted").put("kind", kind).toString());
  }

  private HttpError reject(int status, String message, String reason) {
    Counter.builder("crossmodal.http.rejected").tag("service", "ingest").tag("reason", reason).register(registry).increment();
    return new HttpError(status, message);
  }

  private static String idFrom(String given) {
    return given == null || given.isBlank() ? UUID.randomUUID().toString() : given;
  }

  private static String queryParam(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

}
