package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MobileNetV2TowerTest {
  /**
   * Reference values: TensorFlow.js 4 running the same nsfwjs@4.4.0 model ({@code flatten_1}) on
   * the same synthetic 224×224 pattern. They pin the converter (dequantisation, layout permutes,
   * BatchNorm folding, ReLU6 fusion) to the original network.
   */
  private static final float[] TFJS_FIRST_8 = {
    0f, 0f, 0f, 0.0090125547721982f, 0.09084803611040115f, 0.13451269268989563f, 0f, 0f
  };

  private static final double TFJS_SUM = 116.04992217800464;
  private static final double TFJS_NORM = 11.012780140607632;

  @Test
  void shouldMatchTensorFlowJsFeaturesWhenGivenTheReferencePattern() {
    MobileNetV2Tower tower = MobileNetV2Tower.load(224);
    INDArray image = Nd4j.create(DataType.FLOAT, 1, 3, 224, 224);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 224; y++) {
        for (int x = 0; x < 224; x++) {
          image.putScalar(new long[] {0, c, y, x}, ((x * 7 + y * 13 + c * 29) % 255) / 255.0);
        }
      }
    }

    INDArray features = tower.features(image);

    assertArrayEquals(new long[] {1, 1280}, features.shape());
    assertArrayEquals(
        TFJS_FIRST_8,
        features.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 8)).toFloatVector(),
        1e-3f);
    assertEquals(TFJS_SUM, features.sumNumber().doubleValue(), 1e-2 * Math.abs(TFJS_SUM));
    assertEquals(TFJS_NORM, features.norm2Number().doubleValue(), 1e-3 * TFJS_NORM);
  }

  @Test
  void shouldGiveTheMeanPooledActivationOfTheChosenLayerWhenTruncated() throws Exception {
    INDArray image = Nd4j.rand(DataType.FLOAT, 2, 3, 96, 96);
    ComputationGraph full;
    try (var topology =
            MobileNetV2Tower.class.getResourceAsStream(
                "/io/crossmodal/model/towers/mobilenet-v2/model.min.js");
        var weights =
            MobileNetV2Tower.class.getResourceAsStream(
                "/io/crossmodal/model/towers/mobilenet-v2/group1-shard1of1.min.js")) {
      full = MobileNetV2Graph.build(TfjsLayersArchive.read(topology, weights), 96);
    }
    // The whole network's activation at block_13_expand, averaged over its 6 x 6 positions by hand.
    INDArray activation = full.feedForward(image, false).get(MobileNetV2Tower.DEFAULT_LAYER);
    INDArray expected = activation.mean(2, 3);

    MobileNetV2Tower tower = MobileNetV2Tower.load(96, MobileNetV2Tower.DEFAULT_LAYER);
    INDArray features = tower.features(image);

    assertEquals(576, tower.featureDim());
    assertArrayEquals(new long[] {2, 576}, features.shape());
    assertArrayEquals(expected.toFloatMatrix()[1], features.toFloatMatrix()[1], 1e-4f);
    assertEquals(
        expected.sumNumber().doubleValue(),
        features.sumNumber().doubleValue(),
        1e-3 * Math.abs(expected.sumNumber().doubleValue()));
  }

  @Test
  void shouldCountThePublishedMultiplyAddsWhenGivenTheFullNetworkAt224() {
    // MobileNetV2 1.0 at 224 px: 300 M multiply-adds (Sandler et al., 2018, table 3); the tower at
    // 96 px stops earlier.
    long full = MobileNetV2Graph.multiplyAdds(MobileNetV2Tower.archive(), 224, null);
    assertEquals(300e6, full, 3e6);
    assertTrue(
        MobileNetV2Graph.multiplyAdds(
                MobileNetV2Tower.archive(), 96, MobileNetV2Tower.DEFAULT_LAYER)
            < full * 96 * 96 / (224.0 * 224));
  }
}
