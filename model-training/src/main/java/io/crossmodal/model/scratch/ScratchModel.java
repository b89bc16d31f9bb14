package io.crossmodal.model.scratch;

import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.InvalidImageException;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.eval.Evaluation;
import io.crossmodal.model.eval.PairScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.joint.ContrastiveLoss;
import io.crossmodal.model.text.WordPieceTokenizer;
import io.crossmodal.model.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * Recipe B, the comparison point: both towers trained from scratch in DL4J/SameDiff with the same
 * symmetric InfoNCE loss as the shipped model. Image tower: four 3×3 conv + ReLU blocks with max
 * pooling on 64×64 inputs, global average pooling, linear projection. Text tower: bag of WordPiece
 * embeddings (a one-hot × embedding matmul, because SameDiff's gather fails in backprop in M2.1),
 * mean pooled, linear projection. Not thread safe.
 */
public final class ScratchModel implements PairScorer {
  public static final int SIZE = 64;
  private static final int[] CHANNELS = {32, 64, 128, 128};
  private static final int EMBED = 128;

  private final SameDiff sd;
  private final WordPieceTokenizer tokenizer;
  private final ImagePreprocessor preprocessor = new ImagePreprocessor(SIZE);
  private final ImageDecoder decoder = new ImageDecoder(64 << 20, 100_000_000L);

  private ScratchModel(SameDiff sd, WordPieceTokenizer tokenizer) {
    this.sd = sd;
    this.tokenizer = tokenizer;
  }

  @Override
  public String name() {
    return "scratch";
  }

  public static ScratchModel load(Path file, WordPieceTokenizer tokenizer) {
    return new ScratchModel(SameDiff.load(file.toFile(), false), tokenizer);
  }

  public void save(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    sd.save(file.toFile(), false);
  }

  /** Trains on {@code train}, keeping the epoch with the best validation recall. */
  public static ScratchModel train(
      List<Item> train,
      RetrievalSet validation,
      WordPieceTokenizer tokenizer,
      int dim,
      int epochs,
      int batchSize,
      long seed)
      throws IOException {
    Nd4j.getRandom().setSeed(seed);
    ScratchModel model = new ScratchModel(graph(tokenizer.vocabularySize(), dim), tokenizer);
    model.sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(1e-3))
            .l2(1e-4)
            .dataSetFeatureMapping("img", "txt")
            .dataSetLabelMapping("labels")
            .build());
    List<Item> usable = train.stream().filter(i -> model.pixels(i) != null).toList();
    float[][] pixels = usable.stream().map(model::pixels).toArray(float[][]::new);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, INDArray> best = null;
    double bestScore = -1;
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Progress progress = new Progress("scratch epoch " + epoch + "/" + epochs, usable.size());
      int[] order = random.ints(0, usable.size()).distinct().limit(usable.size()).toArray();
      for (int b = 0; b + batchSize / 2 <= order.length; b += batchSize) {
        int n = Math.min(batchSize, order.length - b);
        float[][] img = new float[n][];
        String[] captions = new String[n];
        for (int i = 0; i < n; i++) {
          Item item = usable.get(order[b + i]);
          img[i] = pixels[order[b + i]];
          captions[i] = item.captions().get(random.nextInt(item.captions().size()));
        }
        model.sd.fit(
            new MultiDataSet(
                new INDArray[] {model.imageBatch(img), model.bagOfWords(List.of(captions))},
                new INDArray[] {ContrastiveLoss.targets(captions)}));
        progress.step(n);
      }
      progress.done();
      Evaluation val = Evaluation.run(model, validation);
      double score = val.imageToText().r10() + val.textToImage().r10();
      System.err.printf(
          "scratch epoch %d: val R@10 i2t %.3f t2i %.3f%n",
          epoch, val.imageToText().r10(), val.textToImage().r10());
      if (score > bestScore) {
        bestScore = score;
        best =
            model.sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .collect(Collectors.toMap(SDVariable::name, v -> v.getArr().dup()));
      }
    }
    best.forEach((name, arr) -> model.sd.getVariable(name).setArray(arr));
    return model;
  }

  private static SameDiff graph(int vocabulary, int dim) {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("img", DataType.FLOAT, -1, 3, SIZE, SIZE);
    SDVariable words = sd.placeHolder("txt", DataType.FLOAT, -1, vocabulary);
    SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, -1);
    int in = 3;
    for (int i = 0; i < CHANNELS.length; i++) {
      SDVariable w =
          sd.var(
              "conv" + i + "W",
              new XavierInitScheme('c', 9 * in, 9 * CHANNELS[i]),
              DataType.FLOAT,
              3,
              3,
              in,
              CHANNELS[i]);
      SDVariable b = sd.var("conv" + i + "b", Nd4j.zeros(DataType.FLOAT, CHANNELS[i]));
      x =
          sd.nn.relu(
              sd.cnn.conv2d(
                  x,
                  w,
                  b,
                  Conv2DConfig.builder()
                      .kH(3)
                      .kW(3)
                      .sH(1)
                      .sW(1)
                      .paddingMode(PaddingMode.SAME)
                      .dataFormat("NCHW")
                      .weightsFormat(WeightsFormat.YXIO)
                      .build()),
              0);
      if (i < CHANNELS.length - 1) {
        x =
            sd.cnn.maxPooling2d(
                x,
                Pooling2DConfig.builder()
                    .kH(2)
                    .kW(2)
                    .sH(2)
                    .sW(2)
                    .type(Pooling2D.Pooling2DType.MAX)
                    .paddingMode(PaddingMode.VALID)
                    .isNHWC(false)
                    .build());
      }
      in = CHANNELS[i];
    }
    SDVariable pooled = sd.mean(x, 2, 3);
    SDVariable wi = sd.var("wi", new XavierInitScheme('c', in, dim), DataType.FLOAT, in, dim);
    SDVariable embedding =
        sd.var(
            "embedding",
            new XavierInitScheme('c', vocabulary, EMBED),
            DataType.FLOAT,
            vocabulary,
            EMBED);
    SDVariable wt = sd.var("wt", new XavierInitScheme('c', EMBED, dim), DataType.FLOAT, EMBED, dim);
    SDVariable zi = ContrastiveLoss.unit(sd, pooled.mmul(wi)).rename("zi");
    SDVariable zt = ContrastiveLoss.unit(sd, words.mmul(embedding).mmul(wt)).rename("zt");
    ContrastiveLoss.attach(sd, zi, zt, labels);
    return sd;
  }

  private float[] pixels(Item item) {
    try {
      float[] out = new float[preprocessor.length()];
      preprocessor.writeChw(decoder.decode(Files.readAllBytes(Path.of(item.image()))), out, 0);
      return out;
    } catch (IOException | InvalidImageException e) {
      return null;
    }
  }

  private INDArray imageBatch(float[][] images) {
    return Nd4j.create(images).reshape(images.length, 3, SIZE, SIZE);
  }

  /** Mean of the captions' WordPiece one-hots (without [CLS]/[SEP]): [n, vocabulary]. */
  private INDArray bagOfWords(List<String> captions) {
    INDArray bag = Nd4j.zeros(DataType.FLOAT, captions.size(), tokenizer.vocabularySize());
    for (int i = 0; i < captions.size(); i++) {
      int[] ids = tokenizer.encode(captions.get(i));
      int words = Math.max(1, ids.length - 2);
      for (int t = 1; t < ids.length - 1; t++) {
        bag.putScalar(i, ids[t], bag.getFloat(i, ids[t]) + 1f / words);
      }
    }
    return bag;
  }

  @Override
  public float[][] score(RetrievalSet set) {
    INDArray zi = encodeImages(set.images());
    INDArray zt = encodeTexts(set.captions());
    return zi.mmul(zt.transpose()).toFloatMatrix();
  }

  private INDArray encodeImages(List<Item> items) {
    INDArray out = Nd4j.create(DataType.FLOAT, items.size(), sd.getVariable("wi").getShape()[1]);
    for (int start = 0; start < items.size(); start += 128) {
      List<Item> chunk = items.subList(start, Math.min(items.size(), start + 128));
      float[][] px =
          chunk.stream()
              .map(
                  i -> {
                    float[] p = pixels(i);
                    return p == null ? new float[preprocessor.length()] : p;
                  })
              .toArray(float[][]::new);
      INDArray z =
          sd.output(
                  Map.of(
                      "img",
                      imageBatch(px),
                      "txt",
                      Nd4j.zeros(DataType.FLOAT, 1, tokenizer.vocabularySize())),
                  "zi")
              .get("zi");
      out.get(NDArrayIndex.interval(start, start + chunk.size()), NDArrayIndex.all()).assign(z);
    }
    return out;
  }

  private INDArray encodeTexts(List<String> captions) {
    INDArray out = Nd4j.create(DataType.FLOAT, captions.size(), sd.getVariable("wt").getShape()[1]);
    for (int start = 0; start < captions.size(); start += 256) {
      List<String> chunk = captions.subList(start, Math.min(captions.size(), start + 256));
      INDArray z =
          sd.output(
                  Map.of(
                      "img",
                      Nd4j.zeros(DataType.FLOAT, 1, 3, SIZE, SIZE),
                      "txt",
                      bagOfWords(chunk)),
                  "zt")
              .get("zt");
      out.get(NDArrayIndex.interval(start, start + chunk.size()), NDArrayIndex.all()).assign(z);
    }
    return out;
  }
}
