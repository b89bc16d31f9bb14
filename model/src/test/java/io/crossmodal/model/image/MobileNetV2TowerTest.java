package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MobileNetV2TowerTest {
  /**
   * Reference values: TensorFlow.js 4 running the same nsfwjs@4.4.0 model ({@code flatten_1}) on the
   * same synthetic 224×224 pattern. They pin the converter (dequantisation, layout permutes,
   * BatchNorm folding, ReLU6 fusion) to the original network.
   */
  private static final float[] TFJS_FIRST_8 = {0f, 0f, 0f, 0.0090125547721982f, 0.09084803611040115f, 0.13451269268989563f, 0f, 0f};
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

    assertArrayEquals(new long[] {1, MobileNetV2Tower.FEATURE_DIM}, features.shape());
    assertArrayEquals(TFJS_FIRST_8, features.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8)).toFloatVector(), 1e-3f);
    assertEquals(TFJS_SUM, features.sumNumber().doubleValue(), 1e-2 * Math.abs(TFJS_SUM));
    assertEquals(TFJS_NORM, features.norm2Number().doubleValue(), 1e-3 * TFJS_NORM);
  }
}
