package io.crossmodal.model.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When two captions count as the same text (equal after trimming, collapsing spaces and
 * lowercasing), and the parts of a {@code "title: keyword, keyword …"} caption as the sources write
 * it.
 */
public final class CaptionText {
  private static final String KEYWORDS = ": ";
  private static final Set<String> FUNCTION_WORDS =
      Set.of(
          "the", "and", "for", "with", "from", "that", "this", "into", "onto", "over", "under",
          "are", "was", "were", "has", "have", "had", "its", "his", "her", "their", "our", "your",
          "not", "but", "all", "any", "one", "two", "who", "what", "which", "out", "off", "than",
          "then", "there", "here", "very", "some", "more", "most", "other", "such");

  private CaptionText() {}

  /** The part before the first {@code ": "}, or the whole caption. */
  public static String title(String caption) {
    int colon = caption.indexOf(KEYWORDS);
    return colon < 0 ? caption : caption.substring(0, colon);
  }

  /**
   * The comma-separated phrases after the first {@code ": "}, trimmed; none when there is no colon.
   */
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

  /**
   * What names an item with these captions: the title of the first and the keyword phrases of every
   * one.
   */
  public static List<String> names(List<String> captions) {
    Set<String> names = new LinkedHashSet<>();
    names.add(title(captions.get(0)));
    captions.forEach(c -> names.addAll(keywordPhrases(c)));
    return new ArrayList<>(names);
  }

  /**
   * The words of a caption as people type them: lower case, letters only, ≥ 3 letters, no function
   * words.
   */
  public static List<String> words(String caption) {
    List<String> out = new ArrayList<>();
    for (String w : caption.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
      if (w.length() >= 3 && !FUNCTION_WORDS.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  public static String normalise(String caption) {
    return caption.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
