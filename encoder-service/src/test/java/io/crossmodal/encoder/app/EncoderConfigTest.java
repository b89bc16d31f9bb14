package io.crossmodal.encoder.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.common.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncoderConfigTest {

  @Test
  void readsEachKeyIntoItsOwnField() {
    Config c =
        Config.defaults()
            .with(
                Map.of(
                    "encoder.port", "9002",
                    "encoder.group.id", "enc",
                    "encoder.batch.size", "7",
                    "encoder.batch.linger.ms", "33",
                    "encoder.image.max.bytes", "123456",
                    "topic.max.message.bytes", "2000000",
                    "bootstrap.servers", "broker:1"));
    assertEquals(
        new EncoderConfig(9002, "enc", 7, Duration.ofMillis(33), 123_456, 2_000_000, "broker:1"),
        EncoderConfig.from(c));
  }
}
