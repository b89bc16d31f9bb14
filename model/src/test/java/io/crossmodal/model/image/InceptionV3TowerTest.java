package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bundled InceptionV3 layers: enough for the default model's features, and nothing after them.
 */
class InceptionV3TowerTest {
  private static final String LAYER = "inception_v3:" + InceptionV3Tower.BUNDLED_UP_TO;

  @Test
  void shouldBundleTheLayersUpToMixed5Only() {
    Set<String> names = new HashSet<>();
    InceptionV3Tower.bundled()
        .modelConfig()
        .get("layers")
        .forEach(l -> names.add(l.get("name").asText()));
    assertTrue(names.contains("mixed5") && names.contains("mixed4") && names.contains("conv2d_1"));
    assertTrue(
        !names.contains("mixed6") && !names.contains("dense_1"),
        "the layers after mixed5 are left out");
  }

  @Test
  void shouldGiveTheSameFeaturesOfAnImageWhateverTheBatch() {
    int size = 160;
    float[] pixels = new float[2 * 3 * size * size];
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    float[] white = new float[3 * size * size];
    Arrays.fill(white, 1f);
    try (ImageTower tower = ImageRuntime.ONNX.load(size, LAYER, 2)) {
      assertEquals(768, tower.featureDim());
      float[][] both = tower.features(pixels, 2);
      float[] first = tower.features(Arrays.copyOf(pixels, 3 * size * size), 1)[0];
      assertArrayEquals(first, both[0], 1e-4f);
      float[] blank = tower.features(white, 1)[0];
      double distance = 0;
      double norm = 0;
      for (int i = 0; i < first.length; i++) {
        distance += (first[i] - blank[i]) * (first[i] - blank[i]);
        norm += first[i] * first[i];
      }
      assertTrue(norm > 1 && distance > 0.01 * norm, "features depend on the image");
    }
  }

  @Test
  void shouldRefuseTheDl4jRuntimeWhichHasNoInceptionV3() {
    assertThrows(IllegalArgumentException.class, () -> ImageRuntime.DL4J.load(160, LAYER, 1));
    assertTrue(
        ImageRuntime.ONNX.runs(LAYER)
            && !ImageRuntime.DL4J.runs(LAYER)
            && ImageRuntime.DL4J.runs("block_13_expand"));
  }
}
