package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class AugmentationTest {
  @Test
  void shouldMirrorAnImageLeftToRight() {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0xffff0000);
    image.setRGB(1, 0, 0xff00ff00);
    image.setRGB(2, 0, 0xff0000ff);
    BufferedImage m = FeatureExtractor.mirrored(image);
    assertEquals(0xff0000ff, m.getRGB(0, 0));
    assertEquals(0xff00ff00, m.getRGB(1, 0));
    assertEquals(0xffff0000, m.getRGB(2, 0));
  }

  @Test
  void shouldAppendASecondViewWithTheSameCaptions() {
    TrainingPairs a = new TrainingPairs(Nd4j.create(new float[][] {{1, 2}}), List.<float[][]>of(new float[][] {{9}}), List.<String[]>of(new String[] {"dog"}));
    TrainingPairs b = new TrainingPairs(Nd4j.create(new float[][] {{2, 1}}), List.<float[][]>of(new float[][] {{9}}), List.<String[]>of(new String[] {"dog"}));
    TrainingPairs both = a.plus(b);
    assertEquals(2, both.size());
    assertArrayEquals(new float[] {2, 1}, both.images().getRow(1).toFloatVector());
    assertEquals("dog", both.captionTexts().get(1)[0]);
  }
}
