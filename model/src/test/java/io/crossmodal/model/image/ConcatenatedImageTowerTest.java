package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two towers on the same pixels: each part's features, in order, side by side. */
class ConcatenatedImageTowerTest {
  private static final String INCEPTION = "inception_v3:mixed5";
  private static final String MOBILENET = "block_13_expand";
  private static final String BOTH = INCEPTION + "," + MOBILENET;
  private static final int SIZE = 160;

  @Test
  void shouldPutEveryPartsFeaturesSideBySideInOrder() {
    float[] pixels = new float[2 * 3 * SIZE * SIZE];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    try (ImageTower both = ImageRuntime.ONNX.load(SIZE, BOTH, 2);
        ImageTower inception = ImageRuntime.ONNX.load(SIZE, INCEPTION, 2);
        ImageTower mobilenet = ImageRuntime.ONNX.load(SIZE, MOBILENET, 2)) {
      assertEquals(768 + 576, both.featureDim());
      assertEquals(SIZE, both.inputSize());
      assertEquals(BOTH, both.layer());
      float[][] joined = both.features(pixels, 2);
      float[][] a = inception.features(pixels, 2);
      float[][] b = mobilenet.features(pixels, 2);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(a[i], Arrays.copyOfRange(joined[i], 0, 768), 1e-5f);
        assertArrayEquals(b[i], Arrays.copyOfRange(joined[i], 768, 768 + 576), 1e-5f);
      }
    }
  }

  @Test
  void shouldRunWhereEveryPartRunsAndRefuseWhatAPartCannot() {
    assertTrue(ImageRuntime.ONNX.runs(BOTH));
    assertFalse(ImageRuntime.DL4J.runs(BOTH), "DL4J has no InceptionV3");
    assertThrows(IllegalArgumentException.class, () -> ImageRuntime.DL4J.load(SIZE, BOTH, 1));
    assertThrows(
        IllegalArgumentException.class, () -> ConcatenatedImageTower.parts(INCEPTION + ","));
    assertEquals(
        List.of(INCEPTION, MOBILENET), ConcatenatedImageTower.parts(INCEPTION + ", " + MOBILENET));
    assertEquals(List.of(MOBILENET), ConcatenatedImageTower.parts(MOBILENET));
  }

  @Test
  void shouldNameEveryPartsSourceAndCountEveryPartsWork() {
    String provenance = ConcatenatedImageTower.provenance(BOTH);
    assertTrue(
        provenance.contains("inception_v3")
            && provenance.contains("mixed5")
            && provenance.contains("mobilenet_v2")
            && provenance.contains(MOBILENET),
        provenance);
    assertEquals(
        InceptionV3Tower.multiplyAdds(SIZE, INCEPTION)
            + MobileNetV2Graph.multiplyAdds(MobileNetV2Tower.archive(), SIZE, MOBILENET),
        ConcatenatedImageTower.multiplyAdds(SIZE, BOTH));
  }
}
