package io.crossmodal.cli;

import io.crossmodal.common.config.Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link Config} for a command: defaults ← {@code --config FILE} ← environment ← {@code --set key=value} and shortcuts. */
final class ServiceConfig {
  private ServiceConfig() {}

  /** {@code --model FILE}, else {@code encoder.model.file}, else null (the bundled model). */
  static Path modelFile(Options o, Config config) {
    String configured = config.get("encoder.model.file");
    return o.path("model", configured.isBlank() ? null : Path.of(configured));
  }

  static Config from(Options o) {
    Path file = o.path("config", null);
    Map<String, String> overrides = new HashMap<>();
    String bootstrap = o.get("bootstrap-servers", null);
    if (bootstrap != null) {
      overrides.put("bootstrap.servers", bootstrap);
    }
    String sets = o.get("set", null);
    if (sets != null) {
      for (String kv : sets.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set expects key=value[,key=value], got " + kv);
        }
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return Config.load(file, System.getenv(), overrides);
  }
}
