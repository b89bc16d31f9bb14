package io.crossmodal.search.lexical;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The words of an item that the lexical index sees: every string in its metadata (a text item's
 * {@code text}, an image's caption, title, tags and any other string field, nested objects and
 * arrays included), except the thumbnail. One function for indexing and for rebuilding, so a
 * restored index sees the same words as the one that was built record by record.
 */
public final class ItemText {
  /** Metadata keys whose values are not words (the encoder's base64 thumbnail). */
  private static final String THUMBNAIL = "thumbnail";

  private ItemText() {}

  /** The item's strings joined by newlines, or "" when it has none. */
  public static String of(JsonNode metadata) {
    StringBuilder out = new StringBuilder();
    collect(metadata, out);
    return out.toString();
  }

  private static void collect(JsonNode node, StringBuilder out) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      if (!node.asText().isBlank()) {
        out.append(out.isEmpty() ? "" : "\n").append(node.asText());
      }
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, out));
    } else if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals(THUMBNAIL)) {
          collect(e.getValue(), out);
        }
      }
    }
  }
}
