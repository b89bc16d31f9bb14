package io.crossmodal.model.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Item;
import io.crossmodal.model.eval.Evaluation;
import io.crossmodal.model.eval.JointModelScorer;
import io.crossmodal.model.eval.RandomScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import io.crossmodal.model.image.MobileNetV2Graph;
import io.crossmodal.model.image.MobileNetV2Tower;
import io.crossmodal.model.image.OnnxImageTower;
import io.crossmodal.model.image.TunedLayer;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.text.TextTower;
import io.crossmodal.model.train.FeatureStore;
import io.crossmodal.model.train.TrainingCaptions;
import io.crossmodal.model.train.TrainingPairs;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    FeatureStore texts = FeatureStore.open(dir.resolve("txt.bin"), TextTower.FEATURE_DIM);
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
          (k < 6 ? train : val)
              .add(
                  new Item(
                      id, "", List.of(caption), "generated", "test", k < 6 ? "train" : "val", ""));
        }
      }
    }
    putTextFeatures(texts, captions);
    TrainingPairs pairs = TrainingPairs.of(train, images, texts, TrainingCaptions.own());
    RetrievalSet validation = RetrievalSet.of(val, images, texts);

    ContrastiveTrainer.Result result =
        new ContrastiveTrainer(new ContrastiveTrainer.Settings(32, 30, 24, 3e-3, 1e-4, 30, 5))
            .train(pairs, validation, dir.resolve("ckpt"), false);

    Evaluation trained = Evaluation.run(new JointModelScorer("model", result.heads()), validation);
    Evaluation chance = Evaluation.run(new RandomScorer(3), validation);
    // 12 captions in the gallery: chance R@1 is about 1/12 for text→image and image→text.
    assertTrue(trained.textToImage().r1() >= 0.5, "t2i R@1 " + trained.textToImage().r1());
    assertTrue(
        trained.imageToText().r1() > chance.imageToText().r1() + 0.25,
        "i2t R@1 " + trained.imageToText().r1() + " vs chance " + chance.imageToText().r1());
  }

  /**
   * {@code train --tune-layer}: the feature layer trains with the heads from its spatial input, and
   * the tower built with the trained weights (what the encoder runs) gives the features training
   * saw: retrieval through that tower works, and the pretrained weights pool to the tower's own
   * features.
   */
  @Test
  void shouldEncodeAsTrainedWhenTheFeatureLayerIsTuned() throws Exception {
    String layer = MobileNetV2Tower.DEFAULT_LAYER;
    TunedLayer pretrained = MobileNetV2Graph.pretrained(MobileNetV2Tower.archive(), layer);
    String tap = MobileNetV2Graph.inputOf(MobileNetV2Tower.archive(), layer);
    Random random = new Random(2);
    ImagePreprocessor pre = new ImagePreprocessor(SIZE);
    List<Item> train = new ArrayList<>();
    List<Item> val = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<float[]> valPixels = new ArrayList<>();
    FeatureStore spatial;
    FeatureStore texts = FeatureStore.open(dir.resolve("txt.bin"), TextTower.FEATURE_DIM);
    try (OnnxImageTower inputs = OnnxImageTower.tap(SIZE, layer, tap, 2);
        ImageTower frozen = ImageRuntime.ONNX.load(SIZE, layer, 2)) {
      spatial = FeatureStore.open(dir.resolve("spatial.bin"), inputs.featureDim());
      float[] buffer = new float[pre.length()];
      for (int s = 0; s < SHAPES.length; s++) {
        for (int c = 0; c < COLOURS.length; c++) {
          String caption = "a " + COLOUR_NAMES[c] + " " + SHAPES[s];
          captions.add(caption);
          for (int k = 0; k < 8; k++) {
            String id = s + "-" + c + "-" + k;
            pre.writeChw(draw(s, c, random), buffer, 0);
            spatial.put(id, inputs.features(buffer, 1)[0]);
            (k < 6 ? train : val)
                .add(
                    new Item(
                        id,
                        "",
                        List.of(caption),
                        "generated",
                        "test",
                        k < 6 ? "train" : "val",
                        ""));
            if (k >= 6) {
              valPixels.add(buffer.clone());
            }
          }
        }
      }
      // The graph's pooling with the pretrained weights is the tower's own feature computation.
      float[] reference = frozen.features(valPixels.get(0), 1)[0];
      float[] first =
          ContrastiveTrainer.pool(
                  Nd4j.create(new float[][] {spatial.get(val.get(0).id())}), pretrained)
              .toFloatVector();
      assertArrayEquals(reference, first, 1e-4f);
    }
    putTextFeatures(texts, captions);
    ContrastiveTrainer.Result result =
        new ContrastiveTrainer(new ContrastiveTrainer.Settings(32, 30, 24, 3e-3, 1e-4, 30, 5))
            .train(
                TrainingPairs.of(train, spatial, texts, TrainingCaptions.own()),
                RetrievalSet.of(val, spatial, texts),
                dir.resolve("ckpt"),
                false,
                pretrained);

    assertTrue(
        result.tuned() != null && !Arrays.equals(pretrained.kernel(), result.tuned().kernel()),
        "the layer trained");
    // Features of the validation images through the tower with the trained weights, as the encoder
    // computes them.
    FeatureStore tunedFeatures = FeatureStore.open(dir.resolve("tuned.bin"), pretrained.out());
    try (ImageTower tuned = ImageRuntime.ONNX.load(SIZE, layer, 2, result.tuned())) {
      for (int i = 0; i < val.size(); i++) {
        tunedFeatures.put(val.get(i).id(), tuned.features(valPixels.get(i), 1)[0]);
      }
    }
    Evaluation trained =
        Evaluation.run(
            new JointModelScorer("model", result.heads()),
            RetrievalSet.of(val, tunedFeatures, texts));
    assertTrue(
        trained.textToImage().r1() >= 0.5,
        "t2i R@1 through the tuned tower " + trained.textToImage().r1());
    assertEquals(
        trained.textToImage().r1(),
        result.history().get(result.bestEpoch() - 1).validation().textToImage().r1(),
        1e-9,
        "the tower gives what training validated");
  }

  private static void putTextFeatures(FeatureStore texts, List<String> captions) {
    try (TextTower text = TextTower.load(TextModel.MINILM, 2)) {
      float[][] f = text.features(captions);
      for (int i = 0; i < captions.size(); i++) {
        texts.put(captions.get(i), f[i]);
      }
    }
  }
}
