package io.crossmodal.model.scratch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.model.data.Item;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.text.TextTower;
import io.crossmodal.model.text.WordPieceTokenizer;
import io.crossmodal.model.train.FeatureStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchModelTest {
  @TempDir Path dir;

  @Test
  void shouldScoreIdenticallyAfterSaveAndLoadWhenTrainedOnGeneratedImages() throws Exception {
    Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.BLACK};
    String[] names = {"red", "green", "blue", "black"};
    List<Item> items = new ArrayList<>();
    FeatureStore images = FeatureStore.open(dir.resolve("i.bin"), 1);
    FeatureStore texts = FeatureStore.open(dir.resolve("t.bin"), 1);
    for (int c = 0; c < colours.length; c++) {
      for (int k = 0; k < 4; k++) {
        BufferedImage img = new BufferedImage(40 + k, 30, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colours[c]);
        g.fillOval(k, 2, 25, 25);
        g.dispose();
        Path file = dir.resolve(c + "-" + k + ".png");
        ImageIO.write(img, "png", file.toFile());
        String id = c + "-" + k;
        items.add(
            new Item(
                id,
                file.toString(),
                List.of("a " + names[c] + " disc"),
                "generated",
                "test",
                "train",
                ""));
        images.put(
            id,
            new float[] {0}); // RetrievalSet needs an entry; the scratch model reads pixels itself
      }
      texts.put("a " + names[c] + " disc", new float[] {0});
    }
    WordPieceTokenizer tokenizer = TextTower.loadTokenizer();
    RetrievalSet set = RetrievalSet.of(items, images, texts);

    ScratchModel model = ScratchModel.train(items, set, tokenizer, 16, 2, 8, 1);
    model.save(dir.resolve("scratch.sd"));
    ScratchModel loaded = ScratchModel.load(dir.resolve("scratch.sd"), tokenizer);

    float[][] before = model.score(set);
    float[][] after = loaded.score(set);
    assertEquals(16, before.length);
    assertEquals(4, before[0].length);
    for (int i = 0; i < before.length; i++) {
      assertArrayEquals(before[i], after[i], 1e-5f);
    }
  }
}
