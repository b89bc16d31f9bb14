package io.crossmodal.model.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When two captions count as the same text (equal after trimming, collapsing spaces and
 * lowercasing), and the parts of a {@code "title: keyword, keyword …"} caption as the sources write it.
 */
public final class CaptionText {
  private static final String KEYWORDS = ": ";

  private CaptionText() {}

  /** The part before the first {@code ": "}, or the whole caption. */
  public static String title(String caption) {
    int colon = caption.indexOf(KEYWORDS);
    return colon < 0 ? caption : caption.substring(0, colon);
  }

  /** The comma-separated phrases after the first {@code ": "}, trimmed; none when there is no colon. */
  public static List<String> keywordPhrases(String caption) {
    int colon = caption.indexOf(KEYWORDS);
    List<String> phrases = new ArrayList<>();
    if (colon >= 0) {
      for (String phrase : caption.substring(colon + KEYWORDS.length()).split(",")) {
        phrases.add(phrase.trim());
      }
    }
    return phrases;
  }

  public static String normalise(String caption) {
    return caption.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
