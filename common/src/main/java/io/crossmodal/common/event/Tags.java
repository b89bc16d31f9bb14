package io.crossmodal.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An item's tags: the {@code tags} array of its metadata, exact strings that query filters match.
 * One rule for everyone who reads them (encoder validates, search indexes), so they never disagree.
 */
public final class Tags {
  public static final String FIELD = "tags";
  public static final int MAX_TAGS = 64;
  public static final int MAX_LENGTH = 128;

  private Tags() {}

  /** The metadata's tags; empty when the field is absent. */
  public static List<String> of(JsonNode metadata) {
    JsonNode node = metadata == null ? null : metadata.get(FIELD);
    if (node == null || node.isNull()) {
      return List.of();
    }
    String problem = problem(node);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<String> tags = new ArrayList<>(node.size());
    node.forEach(t -> tags.add(t.asText()));
    return List.copyOf(tags);
  }

  /**
   * Why {@code node} is not a valid tag list (array of 1…{@value #MAX_LENGTH}-char strings), or
   * null.
   */
  public static String problem(JsonNode node) {
    if (!node.isArray()) {
      return "'tags' must be an array of strings";
    }
    if (node.size() > MAX_TAGS) {
      return "'tags' has " + node.size() + " entries, at most " + MAX_TAGS + " allowed";
    }
    for (JsonNode t : node) {
      if (!t.isTextual() || t.asText().isBlank() || t.asText().length() > MAX_LENGTH) {
        return "'tags' entries must be non-blank strings of at most "
            + MAX_LENGTH
            + " characters, got "
            + t;
      }
    }
    return null;
  }
}
