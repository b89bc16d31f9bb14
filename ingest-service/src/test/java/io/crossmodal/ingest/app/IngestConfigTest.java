package io.crossmodal.ingest.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.common.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void readsEachKeyIntoItsOwnField() {
    Config c =
        Config.defaults().with(Map.of("ingest.port", "9003", "topic.max.message.bytes", "2000000"));
    assertEquals(new IngestConfig(9003, 2_000_000), IngestConfig.from(c));
  }
}
