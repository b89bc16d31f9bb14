package io.crossmodal.ingest.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.Rejections;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What a request's items become on the media topics: the record with its headers ({@code
 * content-type}, {@code source}, {@code metadata}) after the checks the encoder would make, so what
 * it would dead-letter is refused here with a 4xx and its reason instead. Thread safe.
 */
final class MediaRecords {
  private final Topics topics;
  private final MediaValidator validator;
  private final Rejections rejections;

  /**
   * @param validator the encoder's media validator
   */
  MediaRecords(Topics topics, MediaValidator validator, Rejections rejections) {
    this.topics = topics;
    this.validator = validator;
    this.rejections = rejections;
  }

  int maxImageBytes() {
    return validator.maxImageBytes();
  }

  /**
   * @param metadata the item's metadata, which gains {@code caption} and {@code contentType}
   */
  ProducerRecord<String, byte[]> image(
      String type, byte[] body, String caption, ObjectNode metadata, String source, String id)
      throws HttpError {
    if (type == null || !type.toLowerCase().startsWith("image/")) {
      throw rejections.reject(
          415,
          "Content-Type must be image/* (or multipart/form-data with an image part), got " + type,
          "unsupported-media-type");
    }
    if (body.length == 0) {
      throw rejections.reject(400, "empty image body", "empty-image");
    }
    int maxBytes = validator.maxImageBytes();
    if (body.length > maxBytes) {
      throw rejections.reject(
          413, "image of " + body.length + " bytes exceeds the limit of " + maxBytes, "too-large");
    }
    validated(() -> validator.image(body));
    if (caption != null && !caption.isBlank()) {
      metadata.put("caption", caption);
    }
    metadata.put("contentType", type);
    return record(topics.mediaImages.name(), id, body, type, source, validMetadata(metadata));
  }

  /**
   * A text item, {@code {"text": …, "id"?, "source"?, "metadata"?}}.
   *
   * @param key the request's idempotency key (or null), for an id when the item has none
   */
  ProducerRecord<String, byte[]> text(JsonNode req, String key) throws HttpError {
    if (req == null || !req.path("text").isTextual() || req.get("text").asText().isBlank()) {
      throw rejections.reject(400, "'text' must be a non-blank string", "empty-text");
    }
    String text = validated(() -> validator.text(req.get("text").asText()));
    return record(
        topics.mediaTexts.name(),
        idFrom(req.path("id").isTextual() ? req.get("id").asText() : null, key),
        topics.mediaTexts.encodeValue(text),
        "text/plain; charset=utf-8",
        req.path("source").isTextual() ? req.get("source").asText() : null,
        validMetadata(metadataField(req)));
  }

  /** A batch item: a text ({@code "text"}) or an image ({@code "image"}, base64). */
  ProducerRecord<String, byte[]> batchItem(JsonNode item, String key) throws HttpError {
    if (item == null || !item.isObject()) {
      throw rejections.reject(400, "an item must be a JSON object", "invalid-item");
    }
    if (item.has("text") == item.has("image")) {
      throw rejections.reject(
          400, "an item needs exactly one of 'text' or 'image'", "invalid-item");
    }
    if (item.has("text")) {
      return text(item, key);
    }
    byte[] image;
    try {
      image = Base64.getDecoder().decode(item.path("image").asText(""));
    } catch (IllegalArgumentException e) {
      throw rejections.reject(
          400, "'image' is not valid base64: " + e.getMessage(), "invalid-base64");
    }
    return image(
        item.path("contentType").asText(null),
        image,
        item.path("caption").asText(null),
        metadataField(item).deepCopy(),
        item.path("source").asText(null),
        idFrom(item.path("id").isTextual() ? item.get("id").asText() : null, key));
  }

  /** A JSON request body. */
  JsonNode json(byte[] body) throws HttpError {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw rejections.reject(400, "malformed JSON body", "malformed-json");
    }
  }

  /**
   * Metadata given as JSON text (a header or a form field named {@code field}); empty when absent.
   */
  ObjectNode metadata(String json, String field) throws HttpError {
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
    throw rejections.reject(400, field + " must be a JSON object", "invalid-metadata");
  }

  /**
   * The given id; else one derived from the idempotency key (the same for every retry); else a
   * random one.
   */
  static String idFrom(String given, String idempotencyKey) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    return idempotencyKey != null
        ? IdempotencyKeys.mediaId(idempotencyKey)
        : UUID.randomUUID().toString();
  }

  /** A JSON item's {@code metadata} object; empty when absent. */
  private ObjectNode metadataField(JsonNode item) throws HttpError {
    JsonNode meta = item.path("metadata");
    if (!meta.isMissingNode() && !meta.isObject()) {
      throw rejections.reject(400, "'metadata' must be a JSON object", "invalid-metadata");
    }
    return meta.isObject() ? (ObjectNode) meta : Json.MAPPER.createObjectNode();
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, String id, byte[] value, String contentType, String source, String metadata) {
    RecordHeaders h = new RecordHeaders();
    h.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
    h.add("source", (source == null ? "ingest-service" : source).getBytes(StandardCharsets.UTF_8));
    h.add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, id, value, h);
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
      throw rejections.reject(
          e.reason().equals("text-too-long") ? 413 : 400, e.getMessage(), e.reason());
    }
  }
}
