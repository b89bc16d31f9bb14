package io.crossmodal.common.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.Tags;
import io.crossmodal.common.serde.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one validator of the media contract ({@code media.images}, {@code media.texts}): what the
 * encoder accepts, the ingest API accepts, and nothing else, so a client never gets a 202 for an
 * item that is dead-lettered later. Each check throws {@link RejectedRecordException} with the
 * reason both use (the encoder's dead-letter reason, the ingest API's rejection reason). Thread
 * safe.
 */
public final class MediaValidator {
  private final ImageDecoder images;
  private final int maxTextChars;
  private final int maxMetadataBytes;

  public MediaValidator(ImageDecoder images, int maxTextChars, int maxMetadataBytes) {
    this.images = images;
    this.maxTextChars = maxTextChars;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /**
   * The validator with the configured limits ({@code encoder.image.*}, {@code
   * encoder.text.max.chars}, {@code encoder.metadata.max.bytes}).
   */
  public static MediaValidator of(Config config) {
    return new MediaValidator(
        new ImageDecoder(
            config.getInt("encoder.image.max.bytes"), config.getLong("encoder.image.max.pixels")),
        config.getInt("encoder.text.max.chars"),
        config.getInt("encoder.metadata.max.bytes"));
  }

  public int maxImageBytes() {
    return images.maxBytes();
  }

  /** The decoded image; rejects ({@code invalid-image}) what does not decode within the limits. */
  public BufferedImage image(byte[] bytes) {
    try {
      return images.decode(bytes);
    } catch (InvalidImageException e) {
      throw new RejectedRecordException("invalid-image", e.getMessage());
    }
  }

  /**
   * The text; rejects invalid UTF-8 ({@code invalid-utf8}), blank ({@code empty-text}) and
   * over-long ({@code text-too-long}) texts.
   */
  public String text(byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new RejectedRecordException("invalid-utf8", "text is not valid UTF-8");
    }
    return text(text);
  }

  /** As {@link #text(byte[])} for a text already decoded. */
  public String text(String text) {
    if (text.isBlank()) {
      throw new RejectedRecordException("empty-text", "text is empty or whitespace only");
    }
    if (text.length() > maxTextChars) {
      throw new RejectedRecordException(
          "text-too-long",
          "text of " + text.length() + " chars exceeds the limit of " + maxTextChars);
    }
    return text;
  }

  /**
   * The {@code metadata} header as a JSON object (empty when absent); rejects ({@code
   * invalid-metadata}) what is not an object, has bad {@code tags}, or exceeds the size limit (it
   * travels in every hit of every answer).
   */
  public ObjectNode metadata(byte[] header) {
    if (header == null || header.length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    if (header.length > maxMetadataBytes) {
      throw new RejectedRecordException(
          "invalid-metadata",
          "metadata of " + header.length + " bytes exceeds the limit of " + maxMetadataBytes);
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(header);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new RejectedRecordException("invalid-metadata", "metadata is not a JSON object");
    }
    String problem = node.has(Tags.FIELD) ? Tags.problem(node.get(Tags.FIELD)) : null;
    if (problem != null) {
      throw new RejectedRecordException("invalid-metadata", "metadata " + problem);
    }
    return (ObjectNode) node;
  }
}
