package io.crossmodal.model.joint;

import io.crossmodal.model.eval.Evaluation;
import io.crossmodal.model.eval.JointModelScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.image.TunedLayer;
import io.crossmodal.model.train.Progress;
import io.crossmodal.model.train.TrainingPairs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.weightinit.impl.XavierInitScheme;

/**
 * Trains the {@link ProjectionHeads} on frozen-tower features with the {@link ContrastiveLoss}.
 *
 * <p>Each epoch samples one caption per training image; validation Recall@K after every epoch
 * drives early stopping and the best heads are kept. The SameDiff graph (with Adam state) is
 * checkpointed every epoch, so {@code resume} continues where a run stopped.
 */
public final class ContrastiveTrainer {
  /**
   * Hyper-parameters; defaults are what the shipped model used.
   *
   * @param multiPositive every caption of an image in the batch is its positive, not only the one
   *     drawn for it ({@link ContrastiveLoss#targets(String[], List)}; measured on validation, not
   *     shipped: docs/model-card.md)
   */
  public record Settings(
      int dim,
      int epochs,
      int batchSize,
      double learningRate,
      double l2,
      int patience,
      long seed,
      boolean multiPositive) {
    public Settings(
        int dim,
        int epochs,
        int batchSize,
        double learningRate,
        double l2,
        int patience,
        long seed) {
      this(dim, epochs, batchSize, learningRate, l2, patience, seed, false);
    }

    public static Settings defaults() {
      return new Settings(512, 40, 256, 5e-4, 1e-3, 10, 42);
    }
  }

  /** One epoch of history: mean training loss and validation recall. */
  public record EpochLog(
      int epoch, double loss, double temperature, Evaluation validation, double seconds) {
    public double meanR10() {
      return (validation.imageToText().r10() + validation.textToImage().r10()) / 2;
    }

    public double recallSum() {
      var a = validation.imageToText();
      var b = validation.textToImage();
      return a.r1() + a.r5() + a.r10() + b.r1() + b.r5() + b.r10();
    }
  }

  /**
   * The best heads found (with the tower layer trained with them, or null), and the full history.
   */
  public record Result(
      ProjectionHeads heads,
      double temperature,
      int bestEpoch,
      List<EpochLog> history,
      TunedLayer tuned) {}

  private final Settings settings;

  public ContrastiveTrainer(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param pairs frozen image features and, per image, its captions' frozen features and texts
   * @param checkpointDir where the per-epoch checkpoint goes; resumed from when {@code resume}
   */
  public Result train(
      TrainingPairs pairs, RetrievalSet validation, Path checkpointDir, boolean resume)
      throws IOException {
    return train(pairs, validation, checkpointDir, resume, null);
  }

  /**
   * @param tune null: {@code pairs.images()} are pooled features and the tower stays as pretrained.
   *     Else the pretrained weights of the feature layer (a 1×1 convolution, ReLU6, then the mean
   *     pool) to start from: {@code pairs.images()} and the validation set's image features are
   *     then that layer's spatial input ([n, in · positions], channel-first), and the layer is
   *     trained with the heads. Its image standardisation stays the pretrained layer's.
   */
  public Result train(
      TrainingPairs pairs,
      RetrievalSet validation,
      Path checkpointDir,
      boolean resume,
      TunedLayer tune)
      throws IOException {
    INDArray trainImages = pairs.images();
    List<float[][]> trainCaptions = pairs.captionFeatures();
    List<String[]> trainCaptionText = pairs.captionTexts();
    INDArray pooled = tune == null ? trainImages : pool(trainImages, tune);
    INDArray mean = pooled.mean(0);
    INDArray std = pooled.std(0).addi(1e-3);
    Path checkpoint = checkpointDir.resolve("trainer.sd");
    Path historyFile = checkpointDir.resolve("history.txt");
    SameDiff sd;
    int firstEpoch = 1;
    List<EpochLog> history = new ArrayList<>();
    if (resume && Files.exists(checkpoint)) {
      sd = SameDiff.load(checkpoint.toFile(), true);
      firstEpoch =
          Files.exists(historyFile)
              ? (int) Files.readAllLines(historyFile).stream().filter(l -> !l.isBlank()).count() + 1
              : 1;
      System.err.println("resuming from " + checkpoint + " at epoch " + firstEpoch);
    } else {
      sd =
          tune == null
              ? graph((int) trainImages.size(1), trainCaptions.get(0)[0].length)
              : tunedGraph(
                  tune,
                  (int) trainImages.size(1) / tune.in(),
                  mean,
                  std,
                  trainCaptions.get(0)[0].length);
      Files.deleteIfExists(historyFile);
    }
    sd.setTrainingConfig(
        TrainingConfig.builder()
            .updater(new Adam(settings.learningRate()))
            .l2(settings.l2())
            .dataSetFeatureMapping("img", "txt")
            .dataSetLabelMapping("labels")
            .build());

    // The tuned graph standardises inside, after the layer it trains.
    INDArray standardised =
        tune == null ? trainImages.subRowVector(mean).diviRowVector(std) : trainImages;
    SplittableRandom random = new SplittableRandom(settings.seed() + firstEpoch);
    int n = (int) trainImages.size(0);
    ProjectionHeads best = null;
    TunedLayer bestTuned = null;
    double bestScore = -1;
    double bestTemperature = 0;
    int bestEpoch = 0;
    int sinceBest = 0;
    for (int epoch = firstEpoch; epoch <= settings.epochs(); epoch++) {
      long start = System.nanoTime();
      int[] order = shuffled(n, random);
      Progress progress = new Progress("epoch " + epoch + "/" + settings.epochs(), n);
      double lossSum = 0;
      int batches = 0;
      for (int b = 0; b + settings.batchSize() / 2 <= n; b += settings.batchSize()) {
        int size = Math.min(settings.batchSize(), n - b);
        int[] rows = Arrays.copyOfRange(order, b, b + size);
        MultiDataSet batch =
            batch(
                standardised,
                trainCaptions,
                trainCaptionText,
                rows,
                random,
                settings.multiPositive());
        sd.fit(batch);
        lossSum +=
            sd.output(
                    Map.of(
                        "img",
                        batch.getFeatures(0),
                        "txt",
                        batch.getFeatures(1),
                        "labels",
                        batch.getLabels(0)),
                    "loss")
                .get("loss")
                .getDouble(0);
        batches++;
        progress.step(size);
      }
      progress.done();
      ProjectionHeads heads = heads(sd, mean, std);
      double temperature =
          1.0 / Math.exp(sd.getVariable(ContrastiveLoss.LOG_SCALE).getArr().getDouble(0));
      TunedLayer tuned = tune == null ? null : tuned(sd, tune);
      RetrievalSet valSet =
          tune == null
              ? validation
              : validation.withImageFeatures(
                  sd.output(Map.of("img", validation.imageFeatures()), "pooled").get("pooled"));
      Evaluation val = Evaluation.run(new JointModelScorer("val", heads), valSet);
      EpochLog log =
          new EpochLog(
              epoch,
              lossSum / Math.max(1, batches),
              temperature,
              val,
              (System.nanoTime() - start) / 1e9);
      history.add(log);
      System.err.printf(
          "epoch %d: loss %.4f, temperature %.4f, val R@1/5/10 i2t %.3f/%.3f/%.3f t2i %.3f/%.3f/%.3f (%.1fs)%n",
          epoch,
          log.loss(),
          temperature,
          val.imageToText().r1(),
          val.imageToText().r5(),
          val.imageToText().r10(),
          val.textToImage().r1(),
          val.textToImage().r5(),
          val.textToImage().r10(),
          log.seconds());
      Files.createDirectories(checkpointDir);
      sd.save(checkpoint.toFile(), true);
      Files.writeString(
          historyFile, epoch + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (log.recallSum() > bestScore) {
        bestScore = log.recallSum();
        best = heads;
        bestTuned = tuned;
        bestTemperature = temperature;
        bestEpoch = epoch;
        sinceBest = 0;
      } else if (++sinceBest >= settings.patience()) {
        System.err.println(
            "early stop: no validation gain for "
                + settings.patience()
                + " epochs; best epoch "
                + bestEpoch);
        break;
      }
    }
    if (best == null) {
      best = heads(sd, mean, std);
      bestTuned = tune == null ? null : tuned(sd, tune);
    }
    return new Result(best, bestTemperature, bestEpoch, history, bestTuned);
  }

  /**
   * Mean-pooled ReLU6(x · W + b) of spatial inputs [n, in · positions] with a layer's weights, in
   * chunks.
   */
  static INDArray pool(INDArray spatial, TunedLayer layer) {
    int n = (int) spatial.size(0);
    int positions = (int) spatial.size(1) / layer.in();
    INDArray w = Nd4j.create(layer.kernel(), new long[] {layer.in(), layer.out()}, 'c');
    INDArray b = Nd4j.create(layer.bias(), new long[] {1, layer.out()}, 'c');
    INDArray out = Nd4j.create(DataType.FLOAT, n, layer.out());
    for (int start = 0; start < n; start += 256) {
      int end = Math.min(n, start + 256);
      INDArrayIndex[] rows = {NDArrayIndex.interval(start, end), NDArrayIndex.all()};
      INDArray x =
          spatial
              .get(rows)
              .reshape('c', end - start, layer.in(), positions)
              .permute(0, 2, 1)
              .dup('c')
              .reshape('c', (long) (end - start) * positions, layer.in());
      INDArray act = Transforms.min(Transforms.max(x.mmul(w).addiRowVector(b), 0, false), 6, false);
      out.put(rows, act.reshape('c', end - start, positions, layer.out()).mean(1));
    }
    return out;
  }

  /**
   * The graph with the feature layer trainable: spatial input → 1×1 conv → ReLU6 → mean pool →
   * standardise → heads.
   */
  private SameDiff tunedGraph(
      TunedLayer tune, int positions, INDArray mean, INDArray std, int textDim) {
    Nd4j.getRandom().setSeed(settings.seed());
    SameDiff sd = SameDiff.create();
    int in = tune.in();
    int out = tune.out();
    SDVariable img = sd.placeHolder("img", DataType.FLOAT, -1, (long) in * positions);
    SDVariable txt = sd.placeHolder("txt", DataType.FLOAT, -1, textDim);
    SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, -1);
    SDVariable w = sd.var("tw", Nd4j.create(tune.kernel(), new long[] {in, out}, 'c'));
    SDVariable b = sd.var("tb", Nd4j.create(tune.bias(), new long[] {1, out}, 'c'));
    SDVariable x = sd.reshape(sd.reshape(img, -1, in, positions).permute(0, 2, 1), -1, in);
    SDVariable act = sd.math.clipByValue(x.mmul(w).add(b), 0, 6);
    SDVariable pooled = sd.mean("pooled", sd.reshape(act, -1, positions, out), 1);
    SDVariable z =
        pooled
            .sub(sd.constant("mean", mean.reshape(1, out)))
            .div(sd.constant("std", std.reshape(1, out)));
    attachHeads(sd, z, out, txt, textDim, labels);
    return sd;
  }

  private static TunedLayer tuned(SameDiff sd, TunedLayer start) {
    return new TunedLayer(
        start.layer(),
        start.in(),
        start.out(),
        sd.getVariable("tw").getArr().dup('c').data().asFloat(),
        sd.getVariable("tb").getArr().dup('c').data().asFloat());
  }

  private SameDiff graph(int imageDim, int textDim) {
    Nd4j.getRandom().setSeed(settings.seed());
    SameDiff sd = SameDiff.create();
    SDVariable img = sd.placeHolder("img", DataType.FLOAT, -1, imageDim);
    SDVariable txt = sd.placeHolder("txt", DataType.FLOAT, -1, textDim);
    SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, -1);
    attachHeads(sd, img, imageDim, txt, textDim, labels);
    return sd;
  }

  /**
   * The two linear heads (Xavier-initialised, in this order, so a seed gives the same start) and
   * the loss.
   */
  private void attachHeads(
      SameDiff sd, SDVariable image, int imageDim, SDVariable txt, int textDim, SDVariable labels) {
    SDVariable wi =
        sd.var(
            "wi",
            new XavierInitScheme('c', imageDim, settings.dim()),
            DataType.FLOAT,
            imageDim,
            settings.dim());
    SDVariable bi = sd.var("bi", Nd4j.zeros(DataType.FLOAT, 1, settings.dim()));
    SDVariable wt =
        sd.var(
            "wt",
            new XavierInitScheme('c', textDim, settings.dim()),
            DataType.FLOAT,
            textDim,
            settings.dim());
    SDVariable bt = sd.var("bt", Nd4j.zeros(DataType.FLOAT, 1, settings.dim()));
    SDVariable zi = ContrastiveLoss.unit(sd, image.mmul(wi).add(bi));
    SDVariable zt = ContrastiveLoss.unit(sd, ContrastiveLoss.unit(sd, txt).mmul(wt).add(bt));
    ContrastiveLoss.attach(sd, zi, zt, labels);
  }

  private static ProjectionHeads heads(SameDiff sd, INDArray mean, INDArray std) {
    return new ProjectionHeads(
        mean,
        std,
        sd.getVariable("wi").getArr().dup(),
        sd.getVariable("bi").getArr().dup(),
        sd.getVariable("wt").getArr().dup(),
        sd.getVariable("bt").getArr().dup());
  }

  private static MultiDataSet batch(
      INDArray images,
      List<float[][]> captions,
      List<String[]> texts,
      int[] rows,
      SplittableRandom random,
      boolean multiPositive) {
    int size = rows.length;
    float[][] txt = new float[size][];
    String[] chosen = new String[size];
    for (int i = 0; i < size; i++) {
      int c = random.nextInt(captions.get(rows[i]).length);
      txt[i] = captions.get(rows[i])[c];
      chosen[i] = texts.get(rows[i])[c];
    }
    INDArray img = images.getRows(Arrays.stream(rows).toArray());
    INDArray targets =
        multiPositive
            ? ContrastiveLoss.targets(chosen, Arrays.stream(rows).mapToObj(texts::get).toList())
            : ContrastiveLoss.targets(chosen);
    return new MultiDataSet(new INDArray[] {img, Nd4j.create(txt)}, new INDArray[] {targets});
  }

  private static int[] shuffled(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
