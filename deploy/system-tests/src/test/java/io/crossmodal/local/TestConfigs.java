package io.crossmodal.local;

import io.crossmodal.common.config.Config;
import java.util.HashMap;
import java.util.Map;

/** The configs the system tests start stacks with. */
final class TestConfigs {
  private TestConfigs() {}

  /**
   * The defaults with every service's HTTP port chosen free (tests run beside each other and beside
   * a developer's own stack), {@code shards} partitions per created topic, then {@code keyValues}
   * (key, value, key, value, …).
   */
  static Config freePorts(int shards, String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must pair up");
    }
    Map<String, String> overrides = new HashMap<>();
    overrides.put("search.port", "0");
    overrides.put("encoder.port", "0");
    overrides.put("ingest.port", "0");
    overrides.put("topic.partitions", String.valueOf(shards));
    for (int i = 0; i < keyValues.length; i += 2) {
      overrides.put(keyValues[i], keyValues[i + 1]);
    }
    return Config.defaults().with(overrides);
  }
}
