package io.crossmodal.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.topic.TopicNames;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses and validates query JSON ({@code {"text": "a red car", "k": 10, "target": "image"}}).
 * Rejects malformed JSON, unknown fields, wrong types, none or several of {@code text}/{@code
 * image}/{@code mediaId}, blank text, bad base64, and {@code k} outside 1…{@code kMax}, each with a
 * message naming the field. One parser for every route a query takes (the Kafka query loop, {@code
 * POST /v1/search}, {@code POST /v1/encode}), so all apply the same limits. Thread safe.
 */
public final class QueryParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("text", "image", "mediaId", "k", "target", "source", "tags", "mode", "after");
  public static final int DEFAULT_K = 10;

  private final int kMax;
  private final int maxTextChars;
  private final int maxImageBytes;
  private final Set<String> mediaTopics;

  /**
   * @param maxTextChars longest query text (the media texts' limit)
   * @param maxImageBytes largest decoded query image (the media images' limit)
   * @param mediaTopics the topics an {@code after} position may name
   */
  public QueryParser(int kMax, int maxTextChars, int maxImageBytes, Set<String> mediaTopics) {
    this.kMax = kMax;
    this.maxTextChars = maxTextChars;
    this.maxImageBytes = maxImageBytes;
    this.mediaTopics = Set.copyOf(mediaTopics);
  }

  /** With the default media topic names. */
  public QueryParser(int kMax, int maxTextChars, int maxImageBytes) {
    this(
        kMax,
        maxTextChars,
        maxImageBytes,
        Set.of(TopicNames.defaults().mediaImages(), TopicNames.defaults().mediaTexts()));
  }

  /**
   * The parser with the configured limits ({@code search.k.max}, {@code encoder.text.max.chars},
   * {@code encoder.image.max.bytes}).
   */
  public static QueryParser of(Config config) {
    return new QueryParser(
        config.getInt("search.k.max"),
        config.getInt("encoder.text.max.chars"),
        config.getInt("encoder.image.max.bytes"),
        Set.of(config.topicNames().mediaImages(), config.topicNames().mediaTexts()));
  }

  public SearchQuery parse(String json) throws InvalidQueryException {
    if (json == null || json.isBlank()) {
      throw new InvalidQueryException("empty query");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidQueryException("malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidQueryException("query must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new InvalidQueryException("unknown field '" + f + "' (allowed: " + FIELDS + ")");
      }
    }
    String text = optionalString(root, "text");
    String image = optionalString(root, "image");
    String mediaId = optionalString(root, "mediaId");
    int given = (text != null ? 1 : 0) + (image != null ? 1 : 0) + (mediaId != null ? 1 : 0);
    if (given != 1) {
      throw new InvalidQueryException(
          "exactly one of 'text', 'image' or 'mediaId' is required, got " + given);
    }
    if (text != null && text.isBlank()) {
      throw new InvalidQueryException("'text' is blank");
    }
    if (text != null && text.length() > maxTextChars) {
      throw new InvalidQueryException(
          "'text' of " + text.length() + " chars exceeds the limit of " + maxTextChars);
    }
    if (mediaId != null && mediaId.isBlank()) {
      throw new InvalidQueryException("'mediaId' is blank");
    }
    byte[] imageBytes = null;
    if (image != null) {
      try {
        // Strict decoding (whitespace and a data-URL prefix allowed) so garbage is refused, not
        // skipped.
        String payload =
            image.startsWith("data:") && image.contains(",")
                ? image.substring(image.indexOf(',') + 1)
                : image;
        imageBytes = Base64.getDecoder().decode(payload.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw new InvalidQueryException("'image' is not valid base64: " + e.getMessage());
      }
      if (imageBytes.length == 0) {
        throw new InvalidQueryException("'image' is empty");
      }
      if (imageBytes.length > maxImageBytes) {
        throw new InvalidQueryException(
            "'image' of " + imageBytes.length + " bytes exceeds the limit of " + maxImageBytes);
      }
    }
    int k = DEFAULT_K;
    if (root.has("k")) {
      JsonNode kNode = root.get("k");
      if (!kNode.isIntegralNumber() || !kNode.canConvertToInt()) {
        throw new InvalidQueryException("'k' must be an integer, got " + kNode);
      }
      k = kNode.asInt();
    }
    if (k < 1 || k > kMax) {
      throw new InvalidQueryException("'k' must be between 1 and " + kMax + ", got " + k);
    }
    Target target = Target.ANY;
    String t = optionalString(root, "target");
    if (t != null) {
      try {
        target = Target.parse(t);
      } catch (IllegalArgumentException e) {
        throw new InvalidQueryException(e.getMessage());
      }
    }
    return new SearchQuery(
        text,
        imageBytes,
        mediaId,
        k,
        target,
        optionalString(root, "source"),
        tagFilter(root.get("tags")),
        mode(optionalString(root, "mode"), text != null),
        after(root.get("after")));
  }

  /**
   * {@code "after": "token"} or {@code ["token", …]}: positions of media records (see {@link
   * Position}).
   */
  private List<Position> after(JsonNode node) throws InvalidQueryException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    List<String> tokens = new ArrayList<>();
    if (node.isTextual()) {
      tokens.add(node.asText());
    } else if (node.isArray()) {
      for (JsonNode t : node) {
        if (!t.isTextual()) {
          throw new InvalidQueryException(
              "'after' must be a position token or an array of them, got an element " + t);
        }
        tokens.add(t.asText());
      }
    } else {
      throw new InvalidQueryException(
          "'after' must be a position token or an array of them, got "
              + node.getNodeType().name().toLowerCase());
    }
    List<Position> out = new ArrayList<>();
    for (String token : tokens) {
      try {
        out.addAll(Position.parse(token));
      } catch (IllegalArgumentException e) {
        throw new InvalidQueryException("'after': " + e.getMessage());
      }
    }
    if (out.size() > Position.MAX_PER_QUERY) {
      throw new InvalidQueryException(
          "'after' names " + out.size() + " positions, at most " + Position.MAX_PER_QUERY);
    }
    for (Position p : out) {
      if (!mediaTopics.contains(p.topic())) {
        throw new InvalidQueryException(
            "'after': " + p + " is not on a media topic " + new TreeSet<>(mediaTopics));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The named mode, {@link SearchMode#DEFAULT} for a text query without one; only a text query has
   * words to match.
   */
  private static SearchMode mode(String named, boolean hasText) throws InvalidQueryException {
    if (named == null) {
      return hasText ? SearchMode.DEFAULT : SearchMode.VECTOR;
    }
    SearchMode mode;
    try {
      mode = SearchMode.parse(named);
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(e.getMessage());
    }
    if (mode.usesWords() && !hasText) {
      throw new InvalidQueryException(
          "mode '"
              + mode.wireName()
              + "' needs a 'text' query (an image or a mediaId has no words to match)");
    }
    return mode;
  }

  /**
   * {@code "tags": ["a", "b"]} (all of them) or {@code "tags": {"all": [...], "any": [...]}}; null
   * when absent.
   */
  private static TagFilter tagFilter(JsonNode node) throws InvalidQueryException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isArray()) {
      return new TagFilter(tagList(node, "tags"), null);
    }
    if (!node.isObject()) {
      throw new InvalidQueryException(
          "'tags' must be an array of strings or an object with 'all' and/or 'any', got "
              + node.getNodeType().name().toLowerCase());
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("all") && !f.equals("any")) {
        throw new InvalidQueryException("unknown field 'tags." + f + "' (allowed: all, any)");
      }
    }
    TagFilter filter =
        new TagFilter(
            node.has("all") ? tagList(node.get("all"), "tags.all") : null,
            node.has("any") ? tagList(node.get("any"), "tags.any") : null);
    if (filter.isEmpty()) {
      throw new InvalidQueryException("'tags' needs a non-empty 'all' or 'any'");
    }
    return filter;
  }

  private static List<String> tagList(JsonNode node, String field) throws InvalidQueryException {
    String problem = Tags.problem(node);
    if (problem != null) {
      throw new InvalidQueryException(problem.replace("'tags'", "'" + field + "'"));
    }
    if (node.isEmpty()) {
      throw new InvalidQueryException("'" + field + "' is empty");
    }
    List<String> tags = new ArrayList<>();
    node.forEach(t -> tags.add(t.asText()));
    return tags;
  }

  private static String optionalString(JsonNode root, String field) throws InvalidQueryException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidQueryException(
          "'" + field + "' must be a string, got " + n.getNodeType().name().toLowerCase());
    }
    return n.asText();
  }
}
