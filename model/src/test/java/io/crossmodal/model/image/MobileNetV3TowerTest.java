package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bundled MobileNetV3 nodes: enough for the default model's features, nothing after them, and
 * the part names a feature layer may use.
 */
class MobileNetV3TowerTest {
  private static final String LAYER = MobileNetV3Tower.BUNDLED_UP_TO;

  @Test
  void shouldBundleTheBackboneUpToItsFeatureLayerOnly() {
    TfjsGraphModel bundled = MobileNetV3Tower.bundled();
    assertTrue(bundled.nodes().containsKey("tower_0/MobilenetV3/expanded_conv_11/add"));
    assertTrue(
        bundled.nodes().keySet().stream()
            .noneMatch(n -> n.contains("CenternetHead") || n.contains("expanded_conv_13")),
        "the detector's heads and the later blocks are left out");
    assertEquals(
        "tower_0/MobilenetV3/expanded_conv_12/expand/hard_swish/mul_1",
        MobileNetV3Tower.nodes(bundled, LAYER).get(0));
    // An early block's expansion ends in a fused ReLU, not a hard-swish.
    assertEquals(
        "tower_0/MobilenetV3/expanded_conv_1/expand/Relu",
        MobileNetV3Tower.nodes(bundled, "mobilenet_v3:expanded_conv_1.expand").get(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MobileNetV3Tower.nodes(bundled, "mobilenet_v3:expanded_conv_12.squeeze"));
    assertTrue(e.getMessage().contains("expanded_conv_12.squeeze"), e.getMessage());
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
      assertEquals(528, tower.featureDim());
      float[][] both = tower.features(pixels, 2);
      float[] first = tower.features(Arrays.copyOf(pixels, 3 * size * size), 1)[0];
      assertArrayEquals(first, both[0], 1e-3f);
      float[] blank = tower.features(white, 1)[0];
      double distance = 0;
      double norm = 0;
      for (int i = 0; i < first.length; i++) {
        distance += (first[i] - blank[i]) * (first[i] - blank[i]);
        norm += first[i] * first[i];
      }
      assertTrue(norm > 1 && distance > 0.01 * norm, "features depend on the image");
    }
    assertTrue(MobileNetV3Tower.multiplyAdds(size, LAYER) > 50_000_000L);
  }

  @Test
  void shouldRefuseTheDl4jRuntime() {
    assertThrows(IllegalArgumentException.class, () -> ImageRuntime.DL4J.load(160, LAYER, 1));
    assertTrue(ImageRuntime.ONNX.runs(LAYER) && !ImageRuntime.DL4J.runs(LAYER));
  }
}
