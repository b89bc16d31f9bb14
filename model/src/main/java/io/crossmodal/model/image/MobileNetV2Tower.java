package io.crossmodal.model.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The frozen image tower: MobileNetV2 (ImageNet-initialised, from {@code nsfwjs@4.4.0}) read from
 * the classpath, producing features for NCHW float images in [0, 1]: the mean-pooled activation of
 * one layer ({@link #layer()}), {@link #featureDim()} wide.
 *
 * <p>The DL4J runtime of the tower, kept as the reference for {@link OnnxImageTower}. Not thread
 * safe: DL4J graphs keep per-call workspaces; give each encoding thread its own tower.
 */
public final class MobileNetV2Tower implements ImageTower {
  /**
   * The network's top (global-average-pooled {@code Conv_1}, what {@code flatten_1} reads), 1280-d.
   */
  public static final String TOP = "flatten_1";

  /**
   * Where the shipped model takes its features: {@code block_13_expand} (576-d). The network was
   * fine-tuned upstream for a 5-class NSFW task, which flattened its top layers; earlier blocks
   * keep far more of what ImageNet taught it (validation Recall@10 in docs/model-card.md), and the
   * blocks after 13 need not run.
   */
  public static final String DEFAULT_LAYER = "block_13_expand";

  private static final String RESOURCE_DIR = "/io/crossmodal/model/towers/mobilenet-v2/";

  private final ComputationGraph graph;
  private final int inputSize;
  private final String layer;
  private final int featureDim;

  private MobileNetV2Tower(ComputationGraph graph, int inputSize, String layer) {
    this.graph = graph;
    this.inputSize = inputSize;
    this.layer = layer;
    this.featureDim =
        (int)
            graph
                .outputSingle(false, Nd4j.zeros(DataType.FLOAT, 1, 3, inputSize, inputSize))
                .size(1);
  }

  /** The network's top, as models before {@link #DEFAULT_LAYER} used. */
  public static MobileNetV2Tower load(int inputSize) {
    return load(inputSize, TOP);
  }

  /**
   * @param layer {@link #TOP} or a convolution of the topology, e.g. {@code block_13_expand}
   */
  public static MobileNetV2Tower load(int inputSize, String layer) {
    return load(inputSize, layer, null);
  }

  /**
   * @param tuned trained weights replacing one 1×1 convolution's, or null
   */
  public static MobileNetV2Tower load(int inputSize, String layer, TunedLayer tuned) {
    return new MobileNetV2Tower(
        MobileNetV2Graph.build(archive(), inputSize, layer, tuned), inputSize, layer);
  }

  /** The bundled TF.js topology and weights (nsfwjs' MobileNetV2), from the classpath. */
  public static TfjsLayersArchive archive() {
    try (InputStream topology = resource("model.min.js");
        InputStream weights = resource("group1-shard1of1.min.js")) {
      return TfjsLayersArchive.read(topology, weights);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled MobileNetV2 tower", e);
    }
  }

  /** What a model file records as the image tower's provenance. */
  public static String provenance(String layer) {
    return "npm:nsfwjs@4.4.0/dist/models/mobilenet_v2 (MIT), "
        + layer
        + (layer.equals(TOP) ? " features" : " activation, mean-pooled");
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public int featureDim() {
    return featureDim;
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = MobileNetV2Tower.class.getResourceAsStream(RESOURCE_DIR + name);
    if (in == null) {
      throw new IOException("missing classpath resource " + RESOURCE_DIR + name);
    }
    return in;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  /** {@code images}: [n, 3, size, size] floats in [0, 1]; returns [n, {@link #featureDim()}]. */
  public INDArray features(INDArray images) {
    return graph.outputSingle(false, images);
  }

  @Override
  public float[][] features(float[] pixels, int n) {
    int length = n * 3 * inputSize * inputSize;
    // Nd4j.create wraps the whole array; a reused buffer longer than this batch needs an exact
    // copy.
    float[] exact = pixels.length == length ? pixels : Arrays.copyOf(pixels, length);
    return features(Nd4j.create(exact, new long[] {n, 3, inputSize, inputSize}, 'c'))
        .toFloatMatrix();
  }

  /** Nothing native to free: ND4J's workspaces belong to the graph and go with it. */
  @Override
  public void close() {}
}
