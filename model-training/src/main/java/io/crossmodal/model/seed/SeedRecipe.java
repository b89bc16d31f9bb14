package io.crossmodal.model.seed;

import io.crossmodal.model.eval.PairScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.text.WordPieceTokenizer;
import io.crossmodal.model.train.Progress;
import io.crossmodal.model.train.TrainingPairs;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The seed notebook's recipe as a baseline, trained on the same data: pretrained CNN image features
 * (here the same frozen MobileNetV2 features the joint model gets, in place of VGG16) and an
 * Embedding + LSTM text encoder trained from scratch, concatenated → dense → a 2-way match/mismatch
 * softmax, trained on matched and randomly mismatched pairs. Candidates are ranked by the match
 * logit margin (monotonic in the match probability).
 */
public final class SeedRecipe implements PairScorer {
  private static final int MAX_TOKENS = 32;
  private static final int EMBED = 64;
  private static final int HIDDEN = 128;

  private final ComputationGraph graph;
  private final WordPieceTokenizer tokenizer;
  private final INDArray mean;
  private final INDArray std;

  private SeedRecipe(
      ComputationGraph graph, WordPieceTokenizer tokenizer, INDArray mean, INDArray std) {
    this.graph = graph;
    this.tokenizer = tokenizer;
    this.mean = mean;
    this.std = std;
  }

  @Override
  public String name() {
    return "seed";
  }

  public static SeedRecipe train(
      TrainingPairs pairs, WordPieceTokenizer tokenizer, int epochs, long seed) {
    int imageDim = (int) pairs.images().size(1);
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .updater(new Adam(1e-3))
            .weightInit(WeightInit.XAVIER)
            .graphBuilder()
            .addInputs("img", "tokens")
            .addLayer(
                "imgDense",
                new DenseLayer.Builder()
                    .nIn(imageDim)
                    .nOut(HIDDEN)
                    .activation(Activation.RELU)
                    .build(),
                "img")
            .addLayer(
                "embed",
                new EmbeddingSequenceLayer.Builder()
                    .nIn(tokenizer.vocabularySize())
                    .nOut(EMBED)
                    .build(),
                "tokens")
            .addLayer(
                "lstm",
                new LSTM.Builder().nIn(EMBED).nOut(HIDDEN).activation(Activation.TANH).build(),
                "embed")
            .addVertex("lstmLast", new LastTimeStepVertex("tokens"), "lstm")
            .addVertex("merge", new MergeVertex(), "imgDense", "lstmLast")
            .addLayer(
                "match",
                new DenseLayer.Builder()
                    .nIn(2 * HIDDEN)
                    .nOut(HIDDEN)
                    .activation(Activation.RELU)
                    .build(),
                "merge")
            .addLayer(
                "out",
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(HIDDEN)
                    .nOut(2)
                    .activation(Activation.SOFTMAX)
                    .build(),
                "match")
            .setOutputs("out")
            .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    INDArray mean = pairs.images().mean(0);
    INDArray std = pairs.images().std(0).addi(1e-3);
    SeedRecipe recipe = new SeedRecipe(graph, tokenizer, mean, std);
    recipe.fit(pairs, epochs, new SplittableRandom(seed));
    return recipe;
  }

  private void fit(TrainingPairs pairs, int epochs, SplittableRandom random) {
    int n = pairs.size();
    int half = 64;
    INDArray images = standardise(pairs.images());
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Progress progress = new Progress("seed recipe epoch " + epoch + "/" + epochs, n);
      for (int b = 0; b < n; b += half) {
        int size = Math.min(half, n - b);
        int[] rows = new int[2 * size];
        String[] texts = new String[2 * size];
        float[][] labels = new float[2 * size][2];
        for (int i = 0; i < size; i++) {
          int img = b + i;
          String[] own = pairs.captionTexts().get(img);
          rows[2 * i] = img;
          texts[2 * i] = own[random.nextInt(own.length)];
          labels[2 * i][1] = 1;
          int other = random.nextInt(n);
          while (other == img) {
            other = random.nextInt(n);
          }
          String[] theirs = pairs.captionTexts().get(other);
          rows[2 * i + 1] = img;
          texts[2 * i + 1] = theirs[random.nextInt(theirs.length)];
          labels[2 * i + 1][0] = 1;
        }
        INDArray[] tokens = tokens(List.of(texts));
        graph.fit(
            new MultiDataSet(
                new INDArray[] {images.getRows(rows), tokens[0]},
                new INDArray[] {Nd4j.create(labels)},
                new INDArray[] {null, tokens[1]},
                null));
        progress.step(size);
      }
      progress.done();
    }
  }

  private INDArray standardise(INDArray features) {
    return features.castTo(DataType.FLOAT).subRowVector(mean).diviRowVector(std);
  }

  /** Token ids [n, L] and mask [n, L], padded to the batch's longest caption. */
  private INDArray[] tokens(List<String> texts) {
    int[][] ids = new int[texts.size()][];
    int length = 1;
    for (int i = 0; i < ids.length; i++) {
      int[] all = tokenizer.encode(texts.get(i));
      ids[i] = Arrays.copyOf(all, Math.min(all.length, MAX_TOKENS));
      length = Math.max(length, ids[i].length);
    }
    INDArray tokens = Nd4j.zeros(DataType.FLOAT, ids.length, length);
    INDArray mask = Nd4j.zeros(DataType.FLOAT, ids.length, length);
    for (int i = 0; i < ids.length; i++) {
      for (int t = 0; t < ids[i].length; t++) {
        tokens.putScalar(i, t, ids[i][t]);
        mask.putScalar(i, t, 1);
      }
    }
    return new INDArray[] {tokens, mask};
  }

  @Override
  public float[][] score(RetrievalSet set) {
    INDArray imageCodes = imageCodes(standardise(set.imageFeatures()));
    INDArray textCodes = textCodes(set.captions());
    INDArray w = graph.getLayer("match").getParam("W");
    INDArray bias = graph.getLayer("match").getParam("b");
    INDArray a = imageCodes.mmul(w.get(NDArrayIndex.interval(0, HIDDEN), NDArrayIndex.all()));
    INDArray t =
        textCodes
            .mmul(w.get(NDArrayIndex.interval(HIDDEN, 2 * HIDDEN), NDArrayIndex.all()))
            .addiRowVector(bias);
    INDArray wo = graph.getLayer("out").getParam("W");
    INDArray bo = graph.getLayer("out").getParam("b");
    // Margin of the match logit over the mismatch logit ranks exactly as the match probability.
    INDArray margin = wo.getColumn(1).sub(wo.getColumn(0)).reshape(HIDDEN, 1);
    float[][] scores = new float[(int) a.size(0)][];
    for (int i = 0; i < scores.length; i++) {
      INDArray h = Transforms.relu(t.addRowVector(a.getRow(i)), false);
      scores[i] = h.mmul(margin).reshape(-1).toFloatVector();
    }
    return scores;
  }

  private INDArray imageCodes(INDArray images) {
    INDArray dummy = Nd4j.zeros(DataType.FLOAT, images.size(0), 1);
    return graph.feedForward(new INDArray[] {images, dummy}, false).get("imgDense").dup();
  }

  private INDArray textCodes(List<String> captions) {
    INDArray out = Nd4j.create(DataType.FLOAT, captions.size(), HIDDEN);
    for (int start = 0; start < captions.size(); start += 256) {
      List<String> batch = captions.subList(start, Math.min(captions.size(), start + 256));
      INDArray[] tokens = tokens(batch);
      graph.setLayerMaskArrays(new INDArray[] {null, tokens[1]}, null);
      INDArray codes =
          graph
              .feedForward(
                  new INDArray[] {
                    Nd4j.zeros(DataType.FLOAT, batch.size(), mean.length()), tokens[0]
                  },
                  false)
              .get("lstmLast");
      graph.clearLayerMaskArrays();
      out.get(NDArrayIndex.interval(start, start + batch.size()), NDArrayIndex.all()).assign(codes);
    }
    return out;
  }
}
