package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Item;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
    BufferedImage m = ImageView.MIRRORED.apply(image);
    assertEquals(0xff0000ff, m.getRGB(0, 0));
    assertEquals(0xff00ff00, m.getRGB(1, 0));
    assertEquals(0xffff0000, m.getRGB(2, 0));
  }

  /** A 40 × 40 red square with a 20 × 20 blue centre, on transparency outside it (none here). */
  private static BufferedImage target() {
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        boolean centre = x >= 10 && x < 30 && y >= 10 && y < 30;
        image.setRGB(x, y, centre ? 0xff0000ff : 0xffff0000);
      }
    }
    return image;
  }

  @Test
  void shouldCropTheCentreWhenZoomingIn() {
    BufferedImage z = ImageView.ZOOM_IN.apply(target());
    assertEquals(30, z.getWidth());
    assertEquals(30, z.getHeight());
    assertEquals(0xffff0000, z.getRGB(2, 2), "the red frame's inner part stays");
    assertEquals(0xff0000ff, z.getRGB(6, 6), "the blue centre starts 5 px in, not 10");
    assertEquals(0xff0000ff, z.getRGB(15, 15));
  }

  @Test
  void shouldShrinkIntoATransparentFrameWhenZoomingOut() {
    BufferedImage z = ImageView.ZOOM_OUT.apply(target());
    assertEquals(40, z.getWidth());
    assertEquals(0, z.getRGB(2, 2) >>> 24, "transparent around");
    assertEquals(0xff, z.getRGB(8, 8) >>> 24, "the drawing starts 6 px in");
    assertEquals(0xff0000ff, z.getRGB(20, 20) | 0xff000000);
  }

  @Test
  void shouldTintOnlyWhatIsTransparent() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0xffff0000);
    BufferedImage t = ImageView.TINTED.apply(image);
    assertEquals(0xffff0000, t.getRGB(0, 0));
    assertEquals(0xff000000 | ImageView.TINT.getRGB(), t.getRGB(1, 0));
  }

  @Test
  void shouldParseViewsAndRefuseUnknownOnes() {
    assertEquals(
        List.of(ImageView.MIRRORED, ImageView.ZOOM_IN), ImageView.parse("mirrored, zoom-in"));
    assertEquals(List.of(), ImageView.parse(""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageView.parse("rotated"));
    assertTrue(e.getMessage().contains("zoom-out"), e.getMessage());
  }

  @Test
  void shouldCacheEachViewOfEachPartInAFileOfItsOwn(@TempDir Path dir) throws Exception {
    Item item = item(dir);
    String layer = "block_13_expand";
    FeatureStore original = FeatureExtractor.images(List.of(item), 96, layer, dir.resolve("c"));
    FeatureStore mirrored =
        FeatureExtractor.images(List.of(item), 96, layer, dir.resolve("c"), ImageView.MIRRORED);
    Path file = FeatureExtractor.imageFeatureFile(dir.resolve("c"), 96, layer);
    assertTrue(Files.isRegularFile(FeatureExtractor.viewFile(file, ImageView.MIRRORED)));
    assertFalse(
        Arrays.equals(original.get("a"), mirrored.get("a")),
        "a mirrored gradient has other features");
    ImagePreprocessor pre = new ImagePreprocessor(96);
    float[] pixels = new float[pre.length()];
    pre.writeChw(ImageView.MIRRORED.apply(ImageIO.read(Path.of(item.image()).toFile())), pixels, 0);
    try (ImageTower tower = ImageRuntime.ONNX.load(96, layer, 2)) {
      assertArrayEquals(tower.features(pixels, 1)[0], mirrored.get("a"), 1e-4f);
    }
  }

  private static Item item(Path dir) throws Exception {
    BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        image.setRGB(x, y, 0xff000000 | (x * 6 << 16) | (y * 8 << 8) | ((x + y) * 3));
      }
    }
    Path file = dir.resolve("a.png");
    ImageIO.write(image, "png", file.toFile());
    return new Item("a", file.toString(), List.of("a gradient"), "test", "none", "train", "");
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
    Item item = item(dir);
    BufferedImage image = ImageIO.read(Path.of(item.image()).toFile());
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
