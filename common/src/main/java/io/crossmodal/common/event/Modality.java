package io.crossmodal.common.event;

import java.util.Locale;

/** What a media item or a vector is: an image or a text. */
public enum Modality {
  IMAGE,
  TEXT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code image} / {@code text} (any case); throws naming the bad value. */
  public static Modality parse(String value) {
    for (Modality m : values()) {
      if (m.wireName().equalsIgnoreCase(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown modality '" + value + "' (expected image or text)");
  }
}
