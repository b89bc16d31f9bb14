package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Area shrinking before a smaller tower: what each output pixel averages, and the tower fed the
 * shrunk pixels.
 */
class ResampledImageTowerTest {
  @Test
  void shouldAverageWhatEachOutputSampleCovers() {
    float[] out = new float[2];
    new ResampledImageTower.Axis(4, 2).shrink(new float[] {1, 3, 5, 9}, 0, 1, out, 0, 1);
    assertArrayEquals(new float[] {2, 7}, out, 1e-6f);
    // 5 → 3: each output covers 5/3 inputs, the middle one a third of input 1, all of 2 and a third
    // of 3.
    float[] third = new float[3];
    new ResampledImageTower.Axis(5, 3).shrink(new float[] {0, 3, 6, 9, 12}, 0, 1, third, 0, 1);
    assertArrayEquals(
        new float[] {
          (0 + 3 * 2f / 3) * 3 / 5, (3 / 3f + 6 + 9 / 3f) * 3 / 5, (9 * 2f / 3 + 12) * 3 / 5
        },
        third,
        1e-5f);
    float[] flat = new float[96];
    new ResampledImageTower.Axis(160, 96).shrink(filled(160, 0.25f), 0, 1, flat, 0, 1);
    assertArrayEquals(filled(96, 0.25f), flat, 1e-6f, "a constant stays that constant");
  }

  @Test
  void shouldFeedTheTowerThePixelsShrunkToItsOwnSize() {
    int big = 192;
    int small = 96;
    float[] pixels = new float[2 * 3 * big * big];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    // 192 → 96 is exactly the mean of each 2 × 2 block.
    float[] expected = new float[2 * 3 * small * small];
    for (int p = 0; p < 6; p++) {
      for (int y = 0; y < small; y++) {
        for (int x = 0; x < small; x++) {
          int s = p * big * big + 2 * y * big + 2 * x;
          expected[p * small * small + y * small + x] =
              (pixels[s] + pixels[s + 1] + pixels[s + big] + pixels[s + big + 1]) / 4;
        }
      }
    }
    try (ImageTower resampled = ImageRuntime.ONNX.load(big, "block_13_expand/96", 2);
        ImageTower direct = ImageRuntime.ONNX.load(small, "block_13_expand", 2)) {
      assertEquals(big, resampled.inputSize());
      assertEquals(576, resampled.featureDim());
      float[][] a = resampled.features(pixels, 2);
      float[][] b = direct.features(expected, 2);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(b[i], a[i], 1e-4f);
      }
    }
  }

  @Test
  void shouldRefuseToGrowOrAnInputSizeThatIsNotANumber() {
    assertThrows(
        IllegalArgumentException.class, () -> ImageRuntime.ONNX.load(64, "block_13_expand/96", 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageRuntime.ONNX.load(160, "block_13_expand/big", 1));
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }
}
