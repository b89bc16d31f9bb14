package io.crossmodal.common.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** The one JSON mapper of the project's internal records (tolerant of fields added later). */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses internal JSON; throws {@link IllegalArgumentException} naming the type on bad input. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a metadata object; anything that is not a JSON object becomes an empty object. */
  public static JsonNode object(String json) {
    try {
      JsonNode n = MAPPER.readTree(json == null ? "{}" : json);
      return n != null && n.isObject() ? n : MAPPER.createObjectNode();
    } catch (JsonProcessingException e) {
      return MAPPER.createObjectNode();
    }
  }
}
