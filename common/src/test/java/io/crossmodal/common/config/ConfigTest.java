package io.crossmodal.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void shouldLayerDefaultsFileEnvironmentAndOverridesWhenLoading() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("c.properties"),
            "search.port=9000\nsearch.k.max=50\nkafka.security.protocol=SSL\n");
    Config c =
        Config.load(
            file,
            Map.of(
                "CROSSMODAL_SEARCH_K_MAX", "70", "PATH", "/bin", "CROSSMODAL_JAVA_OPTS", "-Xmx1g"),
            Map.of("search.merge.timeout.ms", "10"));
    assertEquals(9000, c.getInt("search.port"));
    assertEquals(70, c.getInt("search.k.max"));
    assertEquals(10, c.getLong("search.merge.timeout.ms"));
    assertEquals(8081, c.getInt("ingest.port"));
    assertEquals("SSL", c.kafkaClientProperties().get("security.protocol"));
  }

  @Test
  void shouldFailNamingTheKeyWhenKeyIsUnknownOrValueInvalid() throws Exception {
    Path file = Files.writeString(dir.resolve("c.properties"), "search.prot=9000\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Config.load(file, Map.of(), Map.of()))
            .getMessage()
            .contains("search.prot"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Config.defaults().with(Map.of("search.port", "x")))
            .getMessage()
            .contains("search.port"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Config.load(null, Map.of("CROSSMODAL_NOPE", "1"), Map.of()))
            .getMessage()
            .contains("CROSSMODAL_NOPE"));
  }
}
