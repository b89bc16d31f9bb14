package io.crossmodal.common.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.Options;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServiceLauncherTest {
  @Test
  void shouldLayTheOptionsOverTheDefaults() {
    Config config =
        ServiceLauncher.config(
            new Options(
                new String[] {
                  "--bootstrap-servers", "kafka:9093", "--set", "encoder.port=1234, search.k.max=7"
                }));
    assertEquals("kafka:9093", config.get("bootstrap.servers"));
    assertEquals(1234, config.getInt("encoder.port"));
    assertEquals(7, config.getInt("search.k.max"));
  }

  @Test
  void shouldTakeTheModelFileFromTheOptionBeforeTheConfig() {
    Options none = new Options(new String[0]);
    assertNull(ServiceLauncher.modelFile(none, ServiceLauncher.config(none)), "the bundled model");
    Options both =
        new Options(new String[] {"--model", "a.cmm", "--set", "encoder.model.file=b.cmm"});
    assertEquals(Path.of("a.cmm"), ServiceLauncher.modelFile(both, ServiceLauncher.config(both)));
    Options configured = new Options(new String[] {"--set", "encoder.model.file=b.cmm"});
    assertEquals(
        Path.of("b.cmm"),
        ServiceLauncher.modelFile(configured, ServiceLauncher.config(configured)));
  }

  @Test
  void shouldRefuseABadSetAStrayArgumentAndAnUnknownOptionBeforeStarting() {
    boolean[] started = {false};
    ServiceLauncher.Starter starter =
        (c, m) -> {
          started[0] = true;
          return () -> {};
        };
    IllegalArgumentException set =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServiceLauncher.run(new Options(new String[] {"--set", "encoder.port"}), starter));
    assertTrue(set.getMessage().contains("key=value"), set.getMessage());
    IllegalArgumentException stray =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServiceLauncher.run(
                    new Options(new String[] {"encoder-service", "--create-topics"}), starter));
    assertTrue(stray.getMessage().contains("'encoder-service'"), stray.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServiceLauncher.run(new Options(new String[] {"--bootstrap", "k:9092"}), starter));
    assertTrue(unknown.getMessage().contains("--bootstrap"), unknown.getMessage());
    assertTrue(!started[0], "nothing started");
  }
}
