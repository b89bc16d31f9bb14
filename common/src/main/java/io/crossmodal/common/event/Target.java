package io.crossmodal.common.event;

import java.util.Locale;

/** Which modality a query wants back. */
public enum Target {
  IMAGE,
  TEXT,
  ANY;

  public boolean accepts(Modality m) {
    return this == ANY || name().equals(m.name());
  }

  public static Target parse(String value) {
    for (Target t : values()) {
      if (t.name().equalsIgnoreCase(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target '" + value + "' (expected image, text or any)");
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
