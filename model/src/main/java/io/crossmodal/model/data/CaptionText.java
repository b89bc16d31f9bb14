package io.crossmodal.model.data;

import java.util.Locale;

/** When two captions count as the same text: equal after trimming, collapsing spaces and lowercasing. */
public final class CaptionText {
  private CaptionText() {}

  public static String normalise(String caption) {
    return caption.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
