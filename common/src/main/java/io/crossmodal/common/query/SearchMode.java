package io.crossmodal.common.query;

import java.util.Locale;

/**
 * Which signals rank a text query: the shared vector space, the item words (BM25), or both fused
 * (reciprocal-rank fusion). Image and by-example queries have no words, so they are vector queries.
 */
public enum SearchMode {
  VECTOR,
  LEXICAL,
  HYBRID;

  /**
   * What a text query gets when it names no mode (chosen by measurement: docs/hybrid-search.md).
   */
  public static final SearchMode DEFAULT = HYBRID;

  public boolean usesVectors() {
    return this != LEXICAL;
  }

  public boolean usesWords() {
    return this != VECTOR;
  }

  /** The mode named on the wire; null (an earlier encoder's record) is {@link #VECTOR}. */
  public static SearchMode parse(String value) {
    if (value == null) {
      return VECTOR;
    }
    for (SearchMode m : values()) {
      if (m.name().equalsIgnoreCase(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown mode '" + value + "' (expected vector, lexical or hybrid)");
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
