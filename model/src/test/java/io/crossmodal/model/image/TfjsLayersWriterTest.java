package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsLayersWriterTest {
  @Test
  void shouldReadBackTheChosenLayersAndTheirWeightsWhenWritten(@TempDir Path dir) throws Exception {
    TfjsLayersArchive full = MobileNetV2Tower.archive();
    Set<String> kept = new LinkedHashSet<>();
    for (var layer : full.modelConfig().get("layers")) {
      if (kept.size() < 12) {
        kept.add(layer.get("name").asText());
      }
    }
    TfjsLayersWriter.write(full, kept, dir);
    TfjsLayersArchive part;
    try (InputStream topology = Files.newInputStream(dir.resolve(TfjsLayersWriter.TOPOLOGY));
        InputStream weights = Files.newInputStream(dir.resolve(TfjsLayersWriter.WEIGHTS))) {
      part = TfjsLayersArchive.read(topology, weights);
    }
    List<String> names = new ArrayList<>();
    part.modelConfig().get("layers").forEach(l -> names.add(l.get("name").asText()));
    assertEquals(new ArrayList<>(kept), names, "the chosen layers, in the network's order");
    assertTrue(part.weights().size() > 0 && part.weights().size() < full.weights().size());
    for (var e : part.weights().entrySet()) {
      assertTrue(
          kept.contains(e.getKey().substring(0, e.getKey().indexOf('/'))),
          e.getKey() + " belongs to a kept layer");
      float[] original = full.weight(e.getKey()).values();
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : original) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertArrayEquals(full.weight(e.getKey()).shape(), e.getValue().shape());
      // Requantised on the source's own 256 levels: the same values up to float rounding.
      assertArrayEquals(original, e.getValue().values(), (max - min) / 255f * 1e-3f, e.getKey());
    }
  }
}
