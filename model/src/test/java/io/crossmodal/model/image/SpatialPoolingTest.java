package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpatialPoolingTest {
  @Test
  void shouldGiveTheTowersFeaturesWhenPoolingTheLayerInputByTheMean() {
    String layer = MobileNetV2Tower.DEFAULT_LAYER;
    float[] pixels = new float[3 * 96 * 96];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    TunedLayer weights = MobileNetV2Graph.pretrained(MobileNetV2Tower.archive(), layer);
    try (ImageTower tower = ImageRuntime.ONNX.load(96, layer, 1);
        ImageTower input =
            OnnxImageTower.tap(
                96, layer, MobileNetV2Graph.inputOf(MobileNetV2Tower.archive(), layer), 1)) {
      float[] pooled = SpatialPooling.MEAN.pool(weights, input.features(pixels, 1)[0]);
      assertArrayEquals(tower.features(pixels, 1)[0], pooled, 1e-4f);
    }
  }

  @Test
  void shouldPoolEachWayWhenGivenAKnownActivationMap() {
    // One input channel copied to one output channel (ReLU6 keeps 0..6): the map is the input
    // itself.
    TunedLayer identity = new TunedLayer("l", 1, 1, new float[] {1}, new float[] {0});
    float[] map = {
      1, 2, 0, 4, // a 4 × 4 map, row-major
      3, 2, 0, 0, 0, 0, 5, 5, 0, 8, 5, 1
    };
    assertArrayEquals(new float[] {34f / 16}, SpatialPooling.MEAN.pool(identity, map), 1e-6f);
    assertArrayEquals(
        new float[] {6}, SpatialPooling.MAX.pool(identity, map), 1e-6f, "ReLU6 caps the 8");
    assertArrayEquals(
        new float[] {34f / 16, 6}, SpatialPooling.MEAN_MAX.pool(identity, map), 1e-6f);
    assertArrayEquals(new float[] {2, 1, 1.5f, 4}, SpatialPooling.GRID2.pool(identity, map), 1e-6f);
    double cubes = 1 + 8 + 64 + 27 + 8 + 125 + 125 + 216 + 125 + 1;
    assertEquals(Math.cbrt(cubes / 16), SpatialPooling.GEM.pool(identity, map)[0], 1e-5);
  }

  @Test
  void shouldReadThePoolingFromTheFeatureLayerName() {
    assertEquals(SpatialPooling.MEAN, SpatialPooling.of("block_13_expand"));
    assertEquals(SpatialPooling.MEAN_MAX, SpatialPooling.of("block_13_expand@mean-max"));
    assertEquals("block_13_expand", SpatialPooling.layer("block_13_expand@grid2"));
    assertThrows(IllegalArgumentException.class, () -> SpatialPooling.of("block_13_expand@median"));
    assertThrows(
        IllegalArgumentException.class, () -> ImageRuntime.ONNX.load(96, "block_13_expand@max", 1));
  }
}
