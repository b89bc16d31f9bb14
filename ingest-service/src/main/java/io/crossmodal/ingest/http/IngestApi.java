package io.crossmodal.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The ingest HTTP API. Each accepted request is acknowledged ({@code 202} with the id) only after
 * the broker confirmed the write ({@code acks=all}), so an acknowledged item is never lost.
 *
 * <ul>
 *   <li>{@code POST /v1/images}: raw image body with its {@code Content-Type}; optional {@code
 *       ?id=}, {@code X-Caption}, {@code X-Source}, {@code X-Metadata} (JSON object) headers; or
 *       {@code multipart/form-data} with an {@code image} file part and optional {@code caption},
 *       {@code metadata}, {@code source}, {@code id} fields.
 *   <li>{@code POST /v1/texts}: JSON {@code {"text": …, "id"?, "source"?, "metadata"?}}.
 *   <li>{@code POST /v1/batch}: JSON {@code {"items": [...]}}, each item a text ({@code "text"}) or
 *       an image ({@code "image"} base64 with {@code "contentType"}), with optional {@code id},
 *       {@code source}, {@code metadata}, {@code caption}; answers {@code 200} with one result per
 *       item ({@code status} 202 with its id, or 4xx with its error): good items are never held
 *       back by bad ones.
 *   <li>{@code DELETE /v1/media/{id}}: a tombstone on both media topics.
 * </ul>
 *
 * <p>With a configured token, every call needs {@code Authorization: Bearer <token>} ({@code 401}
 * without credentials, {@code 403} with wrong ones). A POST may carry {@code Idempotency-Key}: a
 * retry with the same key and the same request gets the first answer back (header {@code
 * Idempotent-Replayed: true}) and creates nothing; the same key with a different request is a
 * {@code 422}; see {@link IdempotencyKeys}.
 */
public final class IngestApi {
  public static final int MAX_BATCH_ITEMS = 500;
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final MediaValidator validator;
  private final int maxBytes;
  private final int maxRequestBytes;
  private final Authenticator auth;
  private final MeterRegistry registry;
  private final IdempotencyKeys idempotency =
      new IdempotencyKeys(100_000, TimeUnit.HOURS.toMillis(24));

  /**
   * @param validator the encoder's media validator: what it would dead-letter is refused here with
   *     a 4xx
   * @param maxRequestBytes largest request body (a batch)
   * @param auth every call needs the write right when auth is on
   */
  public IngestApi(
      Producer<String, byte[]> producer,
      Topics topics,
      MediaValidator validator,
      int maxRequestBytes,
      Authenticator auth,
      MeterRegistry registry) {
    this.producer = producer;
    this.topics = topics;
    this.validator = validator;
    int maxBytes = validator.maxImageBytes();
    this.maxBytes = maxBytes;
    this.maxRequestBytes = Math.max(maxBytes, maxRequestBytes);
    this.auth = auth;
    this.registry = registry;
    // Registered now, at zero, so a fresh dashboard shows the ingest series before the first
    // request.
    for (String topic : List.of(topics.mediaImages.name(), topics.mediaTexts.name(), "batch")) {
      recordsOut(topic);
    }
  }

  private Counter recordsOut(String topic) {
    return Counter.builder("crossmodal.records.out")
        .tag("service", "ingest")
        .tag("topic", topic)
        .register(registry);
  }

  public void register(HttpService http) {
    http.route("/v1/images", guarded(this::image));
    http.route("/v1/texts", guarded(this::text));
    http.route("/v1/batch", guarded(this::batch));
    http.route("/v1/media/", guarded(this::delete));
  }

  /** Authentication, then idempotency, around a handler that returns its 2xx answer. */
  private HttpService.Handler guarded(Endpoint endpoint) {
    return ex -> {
      authorize(ex);
      String key = ex.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
      if (key == null || !ex.getRequestMethod().equals("POST")) {
        Response r = endpoint.handle(ex, null, HttpService.body(ex, maxRequestBytes));
        HttpService.sendJson(ex, r.status(), r.body());
        return;
      }
      if (key.isBlank() || key.length() > 255) {
        throw reject(
            400, IDEMPOTENCY_KEY + " must be 1 to 255 characters", "invalid-idempotency-key");
      }
      byte[] body = HttpService.body(ex, maxRequestBytes);
      String fingerprint = fingerprint(ex, body);
      IdempotencyKeys.Answer first = idempotency.get(key, System.currentTimeMillis());
      if (first != null) {
        if (!first.fingerprint().equals(fingerprint)) {
          throw reject(
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

  @FunctionalInterface
  private interface Endpoint {
    /**
     * @param key the request's idempotency key, or null
     */
    Response handle(HttpExchange ex, String key, byte[] body) throws Exception;
  }

  private record Response(int status, String body) {}

  private void authorize(HttpExchange ex) throws HttpError {
    try {
      auth.require(ex, Authenticator.Right.WRITE);
    } catch (HttpError e) {
      throw reject(e.status(), e.getMessage(), e.status() == 401 ? "unauthenticated" : "forbidden");
    }
  }

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

  private Response image(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String caption = ex.getRequestHeaders().getFirst("X-Caption");
    String metadataJson = ex.getRequestHeaders().getFirst("X-Metadata");
    String source = ex.getRequestHeaders().getFirst("X-Source");
    String id = HttpService.queryParam(ex, "id");
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
    ProducerRecord<String, byte[]> record =
        imageRecord(
            type, body, caption, metadata(metadataJson, "X-Metadata"), source, idFrom(id, key));
    RecordMetadata at = producer.send(record).get(30, TimeUnit.SECONDS);
    sent(record.topic());
    return accepted(record.key(), "image", Position.of(at));
  }

  private ProducerRecord<String, byte[]> imageRecord(
      String type, byte[] body, String caption, ObjectNode metadata, String source, String id)
      throws HttpError {
    if (type == null || !type.toLowerCase().startsWith("image/")) {
      throw reject(
          415,
          "Content-Type must be image/* (or multipart/form-data with an image part), got " + type,
          "unsupported-media-type");
    }
    if (body.length == 0) {
      throw reject(400, "empty image body", "empty-image");
    }
    if (body.length > maxBytes) {
      throw reject(
          413, "image of " + body.length + " bytes exceeds the limit of " + maxBytes, "too-large");
    }
    validated(() -> validator.image(body));
    if (caption != null && !caption.isBlank()) {
      metadata.put("caption", caption);
    }
    metadata.put("contentType", type);
    return record(topics.mediaImages.name(), id, body, type, source, validMetadata(metadata));
  }

  private Response text(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    JsonNode req = json(body);
    ProducerRecord<String, byte[]> record = textRecord(req, key);
    RecordMetadata at = producer.send(record).get(30, TimeUnit.SECONDS);
    sent(record.topic());
    return accepted(record.key(), "text", Position.of(at));
  }

  private ProducerRecord<String, byte[]> textRecord(JsonNode req, String key) throws HttpError {
    if (req == null || !req.path("text").isTextual() || req.get("text").asText().isBlank()) {
      throw reject(400, "'text' must be a non-blank string", "empty-text");
    }
    String text = validated(() -> validator.text(req.get("text").asText()));
    JsonNode meta = req.path("metadata");
    if (!meta.isMissingNode() && !meta.isObject()) {
      throw reject(400, "'metadata' must be a JSON object", "invalid-metadata");
    }
    return record(
        topics.mediaTexts.name(),
        idFrom(req.path("id").isTextual() ? req.get("id").asText() : null, key),
        topics.mediaTexts.encodeValue(text),
        "text/plain; charset=utf-8",
        req.path("source").isTextual() ? req.get("source").asText() : null,
        validMetadata(meta.isObject() ? (ObjectNode) meta : Json.MAPPER.createObjectNode()));
  }

  /**
   * Validates every item first, sends the good ones together, then waits for all acknowledgements;
   * each item's result says what became of it. With an idempotency key, item i without an id gets
   * the id derived from "key#i".
   */
  private Response batch(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    JsonNode req = json(body);
    JsonNode items = req == null ? null : req.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw reject(400, "'items' must be a non-empty array", "invalid-batch");
    }
    if (items.size() > MAX_BATCH_ITEMS) {
      throw reject(
          413,
          "a batch holds at most " + MAX_BATCH_ITEMS + " items, got " + items.size(),
          "batch-too-large");
    }
    ArrayNode results = Json.MAPPER.createArrayNode();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    List<ObjectNode> pending = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode result = results.addObject().put("index", i);
      try {
        ProducerRecord<String, byte[]> record =
            batchRecord(items.get(i), key == null ? null : key + "#" + i);
        acks.add(producer.send(record));
        pending.add(result.put("id", record.key()));
      } catch (HttpError e) {
        result.put("status", e.status()).put("error", e.getMessage());
      }
    }
    int accepted = 0;
    for (int i = 0; i < acks.size(); i++) {
      try {
        RecordMetadata at = acks.get(i).get(30, TimeUnit.SECONDS);
        pending.get(i).put("status", 202).put("position", Position.token(List.of(Position.of(at))));
        accepted++;
      } catch (ExecutionException | TimeoutException e) {
        pending.get(i).put("status", 503).put("error", "not acknowledged by Kafka: " + e);
      }
    }
    recordsOut("batch").increment(accepted);
    ObjectNode out =
        Json.MAPPER
            .createObjectNode()
            .put("accepted", accepted)
            .put("rejected", items.size() - accepted);
    out.set("results", results);
    return new Response(200, out.toString());
  }

  private ProducerRecord<String, byte[]> batchRecord(JsonNode item, String key) throws HttpError {
    if (item == null || !item.isObject()) {
      throw reject(400, "an item must be a JSON object", "invalid-item");
    }
    if (item.has("text") == item.has("image")) {
      throw reject(400, "an item needs exactly one of 'text' or 'image'", "invalid-item");
    }
    if (item.has("text")) {
      return textRecord(item, key);
    }
    byte[] image;
    try {
      image = Base64.getDecoder().decode(item.path("image").asText(""));
    } catch (IllegalArgumentException e) {
      throw reject(400, "'image' is not valid base64: " + e.getMessage(), "invalid-base64");
    }
    JsonNode meta = item.path("metadata");
    if (!meta.isMissingNode() && !meta.isObject()) {
      throw reject(400, "'metadata' must be a JSON object", "invalid-metadata");
    }
    return imageRecord(
        item.path("contentType").asText(null),
        image,
        item.path("caption").asText(null),
        meta.isObject() ? ((ObjectNode) meta).deepCopy() : Json.MAPPER.createObjectNode(),
        item.path("source").asText(null),
        idFrom(item.path("id").isTextual() ? item.get("id").asText() : null, key));
  }

  private JsonNode json(byte[] body) throws HttpError {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw reject(400, "malformed JSON body", "malformed-json");
    }
  }

  private Response delete(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "DELETE");
    String id =
        URLDecoder.decode(
            ex.getRequestURI().getRawPath().substring("/v1/media/".length()),
            StandardCharsets.UTF_8);
    if (id.isBlank()) {
      throw reject(400, "missing media id", "missing-id");
    }
    RecordMetadata image =
        producer
            .send(new ProducerRecord<>(topics.mediaImages.name(), id, null))
            .get(30, TimeUnit.SECONDS);
    RecordMetadata text =
        producer
            .send(new ProducerRecord<>(topics.mediaTexts.name(), id, null))
            .get(30, TimeUnit.SECONDS);
    return accepted(id, "delete", Position.of(image), Position.of(text));
  }

  private ObjectNode metadata(String json, String field) throws HttpError {
    if (json == null || json.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      if (n != null && n.isObject()) {
        return (ObjectNode) n;
      }
    } catch (IOException e) {
      // reported below
    }
    throw reject(400, field + " must be a JSON object", "invalid-metadata");
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, String id, byte[] value, String contentType, String source, String metadata) {
    RecordHeaders h = new RecordHeaders();
    h.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
    h.add("source", (source == null ? "ingest-service" : source).getBytes(StandardCharsets.UTF_8));
    h.add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, id, value, h);
  }

  private void sent(String topic) {
    recordsOut(topic).increment();
  }

  /**
   * {@code 202} with the id and the write's position token: a query with {@code "after": token} is
   * answered once the write is searchable (read-your-writes).
   */
  private static Response accepted(String id, String kind, Position... at) {
    return new Response(
        202,
        Json.MAPPER
            .createObjectNode()
            .put("id", id)
            .put("status", "accepted")
            .put("kind", kind)
            .put("position", Position.token(List.of(at)))
            .toString());
  }

  /** The metadata as the header will carry it, checked as the encoder will check it. */
  private String validMetadata(ObjectNode metadata) throws HttpError {
    String json = metadata.toString();
    validated(() -> validator.metadata(json.getBytes(StandardCharsets.UTF_8)));
    return json;
  }

  /**
   * Runs one of the shared validator's checks; its rejection becomes this API's 4xx with the same
   * reason.
   */
  private <T> T validated(Supplier<T> check) throws HttpError {
    try {
      return check.get();
    } catch (RejectedRecordException e) {
      throw reject(e.reason().equals("text-too-long") ? 413 : 400, e.getMessage(), e.reason());
    }
  }

  private HttpError reject(int status, String message, String reason) {
    Counter.builder("crossmodal.http.rejected")
        .tag("service", "ingest")
        .tag("reason", reason)
        .register(registry)
        .increment();
    return new HttpError(status, message);
  }

  /**
   * The given id; else one derived from the idempotency key (the same for every retry); else a
   * random one.
   */
  private static String idFrom(String given, String idempotencyKey) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    return idempotencyKey != null
        ? IdempotencyKeys.mediaId(idempotencyKey)
        : UUID.randomUUID().toString();
  }
}
