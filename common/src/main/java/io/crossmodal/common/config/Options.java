package io.crossmodal.common.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --key value} and {@code --flag} options plus positional words; unknown keys fail loudly.
 * The one parser of the command line and of every service's {@code main}.
 */
public final class Options {
  private final Map<String, String> values = new HashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final Set<String> used = new HashSet<>();

  public Options(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String key = a.substring(2);
        int eq = key.indexOf('=');
        if (eq >= 0) {
          values.put(key.substring(0, eq), key.substring(eq + 1));
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          values.put(key, args[++i]);
        } else {
          values.put(key, "true");
        }
      } else {
        positional.add(a);
      }
    }
  }

  public List<String> positional() {
    return positional;
  }

  public boolean flag(String key) {
    used.add(key);
    return Boolean.parseBoolean(values.getOrDefault(key, "false"));
  }

  public String get(String key, String fallback) {
    used.add(key);
    return values.getOrDefault(key, fallback);
  }

  public int getInt(String key, int fallback) {
    String v = get(key, null);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " expects an integer, got " + v);
    }
  }

  public Path path(String key, Path fallback) {
    String v = get(key, null);
    return v == null ? fallback : Path.of(v);
  }

  /** Fails naming the first option no command asked for, so typos never pass silently. */
  public void requireAllUsed() {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
    }
  }

  /**
   * The repository root the command line runs in ({@code -Dcrossmodal.home}, set by {@code
   * ./crossmodal}).
   */
  public static Path home() {
    return Path.of(System.getProperty("crossmodal.home", "."));
  }
}
