package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Item;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    TrainingPairs a =
        new TrainingPairs(
            Nd4j.create(new float[][] {{1, 2}}),
            List.<float[][]>of(new float[][] {{9}}),
            List.<String[]>of(new String[] {"dog"}));
    TrainingPairs b =
        new TrainingPairs(
            Nd4j.create(new float[][] {{2, 1}}),
            List.<float[][]>of(new float[][] {{9}}),
            List.<String[]>of(new String[] {"dog"}));
    TrainingPairs both = a.plus(b);
    assertEquals(2, both.size());
    assertArrayEquals(new float[] {2, 1}, both.images().getRow(1).toFloatVector());
    assertEquals("dog", both.captionTexts().get(1)[0]);
  }

  @Test
  void shouldCacheSeveralTowersFeaturesAsTheConcatenatedTowerComputesThem(@TempDir Path dir)
      throws Exception {
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        image.setRGB(x, y, 0xff000000 | (x * 6 << 16) | (y * 8 << 8) | ((x + y) * 3));
      }
    }
    Path file = dir.resolve("a.png");
    ImageIO.write(image, "png", file.toFile());
    Item item = new Item("a", file.toString(), List.of("a gradient"), "test", "none", "train", "");
    String layer = "inception_v3:mixed5,block_13_expand";
    FeatureStore store = FeatureExtractor.images(List.of(item), 96, layer, dir.resolve("cache"));
    ImagePreprocessor pre = new ImagePreprocessor(96);
    float[] pixels = new float[pre.length()];
    pre.writeChw(image, pixels, 0);
    try (ImageTower tower = ImageRuntime.ONNX.load(96, layer, 2)) {
      assertArrayEquals(tower.features(pixels, 1)[0], store.get("a"), 1e-4f);
    }
    for (String part : List.of("inception_v3:mixed5", "block_13_expand")) {
      assertTrue(
          Files.isRegularFile(FeatureExtractor.imageFeatureFile(dir.resolve("cache"), 96, part)),
          part + " is cached in its own file");
    }
    assertFalse(
        Files.exists(FeatureExtractor.imageFeatureFile(dir.resolve("cache"), 96, layer)),
        "the concatenation is not cached again: it would repeat its parts' files");
  }
}
