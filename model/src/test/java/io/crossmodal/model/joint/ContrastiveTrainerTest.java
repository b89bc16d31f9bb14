package io.crossmodal.model.joint;

import io.crossmodal.model.data.EmojiKeywords;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Item;
import io.crossmodal.model.eval.Evaluation;
import io.crossmodal.model.eval.JointModelScorer;
import io.crossmodal.model.eval.RandomScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.MobileNetV2Tower;
import io.crossmodal.model.text.MiniLmTextTower;
import io.crossmodal.model.train.FeatureStore;
import io.crossmodal.model.train.TrainingPairs;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A tiny end-to-end training run on images drawn in the test: real towers, real trainer. */
class ContrastiveTrainerTest {
  private static final int SIZE = 64;
  private static final String[] SHAPES = {"circle", "square", "triangle"};
  private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.ORANGE};
  private static final String[] COLOUR_NAMES = {"red", "green", "blue", "orange"};

  @TempDir Path dir;

  private static BufferedImage draw(int shape, int colour, Random random) {
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(COLOURS[colour]);
    int s = 24 + random.nextInt(24);
    int x = random.nextInt(SIZE - s);
    int y = random.nextInt(SIZE - s);
    switch (shape) {
      case 0 -> g.fillOval(x, y, s, s);
      case 1 -> g.fillRect(x, y, s, s);
      default -> g.fillPolygon(new int[] {x, x + s / 2, x + s}, new int[] {y + s, y, y + s}, 3);
    }
    g.dispose();
    return img;
  }

  @Test
  void shouldRankMatchingCaptionsFarAboveChanceWhenTrainedOnGeneratedShapes() throws Exception {
    Random random = new Random(1);
    MobileNetV2Tower tower = MobileNetV2Tower.load(SIZE);
    ImagePreprocessor pre = new ImagePreprocessor(SIZE);
    FeatureStore images = FeatureStore.open(dir.resolve("img.bin"), tower.featureDim());
    FeatureStore texts = FeatureStore.open(dir.resolve("txt.bin"), MiniLmTextTower.FEATURE_DIM);
    List<Item> train = new ArrayList<>();
    List<Item> val = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    float[] buffer = new float[pre.length()];
    for (int s = 0; s < SHAPES.length; s++) {
      for (int c = 0; c < COLOURS.length; c++) {
        String caption = "a " + COLOUR_NAMES[c] + " " + SHAPES[s];
        captions.add(caption);
        for (int k = 0; k < 8; k++) {
          String id = s + "-" + c + "-" + k;
          pre.writeChw(draw(s, c, random), buffer, 0);
          INDArray f = tower.features(Nd4j.create(buffer, new long[] {1, 3, SIZE, SIZE}, 'c'));
          images.put(id, f.toFloatVector());
          (k < 6 ? train : val).add(new Item(id, "", List.of(caption), "generated", "test", k < 6 ? "train" : "val", ""));
        }
      }
    }
    try (MiniLmTextTower text = MiniLmTextTower.load(2)) {
      float[][] f = text.features(captions);
      for (int i = 0; i < captions.size(); i++) {
        texts.put(captions.get(i), f[i]);
      }
    }
    TrainingPairs pairs = TrainingPairs.of(train, images, texts, false, EmojiKeywords.none());
    RetrievalSet validation = RetrievalSet.of(val, images, texts);

    ContrastiveTrainer.Result result = new ContrastiveTrainer(new ContrastiveTrainer.Settings(32, 30, 24, 3e-3, 1e-4, 30, 5))
        .train(pairs, validation, dir.resolve("ckpt"), false);

    Evaluation trained = Evaluation.run(new JointModelScorer("model", result.heads()), validation);
    Evaluation chance = Evaluation.run(new RandomScorer(3), validation);
    // 12 captions in the gallery: chance R@1 is about 1/12 for text→image and image→text.
    assertTrue(trained.textToImage().r1() >= 0.5, "t2i R@1 " + trained.textToImage().r1());
    assertTrue(trained.imageToText().r1() > chance.imageToText().r1() + 0.25,
        "i2t R@1 " + trained.imageToText().r1() + " vs chance " + chance.imageToText().r1());
  }
}
