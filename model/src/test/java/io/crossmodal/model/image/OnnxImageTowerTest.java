package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX export runs the same network as the DL4J reference: same features, any layer, any size.
 */
class OnnxImageTowerTest {
  @ParameterizedTest
  @CsvSource({"96, block_13_expand", "96, flatten_1", "128, block_12_expand", "224, flatten_1"})
  void shouldGiveTheDl4jFeaturesWhenRunByOnnxRuntime(int size, String layer) {
    float[] pixels = new float[3 * 3 * size * size];
    SplittableRandom random = new SplittableRandom(size);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    try (ImageTower reference = ImageRuntime.DL4J.load(size, layer, 2);
        ImageTower onnx = ImageRuntime.ONNX.load(size, layer, 2)) {
      INDArray expected = Nd4j.create(reference.features(pixels, 3));
      INDArray actual = Nd4j.create(onnx.features(pixels, 3));

      assertEquals(reference.featureDim(), onnx.featureDim());
      assertArrayEquals(expected.shape(), actual.shape());
      double maxAbs = expected.sub(actual).amaxNumber().doubleValue();
      assertTrue(maxAbs <= 1e-4, "max |onnx - dl4j| = " + maxAbs + " at " + size + " px, " + layer);
      assertTrue(expected.amaxNumber().doubleValue() > 0.1, "features are not all ~0");
    }
  }

  @Test
  void shouldApplyTunedWeightsInBothRuntimesWhenAModelCarriesThem() {
    String layer = MobileNetV2Tower.DEFAULT_LAYER;
    TunedLayer pretrained = MobileNetV2Graph.pretrained(MobileNetV2Tower.archive(), layer);
    float[] kernel = pretrained.kernel().clone();
    for (int i = 0; i < kernel.length; i += 7) {
      kernel[i] *= -1.5f;
    }
    TunedLayer changed =
        new TunedLayer(layer, pretrained.in(), pretrained.out(), kernel, pretrained.bias());
    float[] pixels = new float[2 * 3 * 96 * 96];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    try (ImageTower plain = ImageRuntime.ONNX.load(96, layer, 2);
        ImageTower same = ImageRuntime.ONNX.load(96, layer, 2, pretrained);
        ImageTower onnx = ImageRuntime.ONNX.load(96, layer, 2, changed);
        ImageTower dl4j = ImageRuntime.DL4J.load(96, layer, 2, changed)) {
      INDArray base = Nd4j.create(plain.features(pixels, 2));
      assertEquals(
          0,
          base.sub(Nd4j.create(same.features(pixels, 2))).amaxNumber().doubleValue(),
          1e-6,
          "pretrained weights change nothing");
      INDArray tuned = Nd4j.create(onnx.features(pixels, 2));
      assertTrue(base.sub(tuned).amaxNumber().doubleValue() > 0.01, "the tuned weights are used");
      assertTrue(
          tuned.sub(Nd4j.create(dl4j.features(pixels, 2))).amaxNumber().doubleValue() <= 1e-4,
          "both runtimes apply them alike");
    }
  }
}
