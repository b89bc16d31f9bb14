package io.crossmodal.model.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The frozen image tower: MobileNetV2 (ImageNet-initialised, from {@code nsfwjs@4.4.0}) read from
 * the classpath, producing 1280-d features for NCHW float images in [0, 1].
 *
 * <p>Not thread safe: DL4J graphs keep per-call workspaces; give each encoding thread its own tower.
 */
public final class MobileNetV2Tower {
  public static final String PROVENANCE = "npm:nsfwjs@4.4.0/dist/models/mobilenet_v2 (MIT), flatten_1 features";
  public static final int FEATURE_DIM = 1280;
  private static final String RESOURCE_DIR = "/io/crossmodal/model/towers/mobilenet-v2/";

  private final ComputationGraph graph;
  private final int inputSize;

  private MobileNetV2Tower(ComputationGraph graph, int inputSize) {
    this.graph = graph;
    this.inputSize = inputSize;
  }

  public static MobileNetV2Tower load(int inputSize) {
    try (InputStream topology = resource("model.min.js");
        InputStream weights = resource("group1-shard1of1.min.js")) {
      return new MobileNetV2Tower(MobileNetV2Graph.build(TfjsLayersArchive.read(topology, weights), inputSize), inputSize);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled MobileNetV2 tower", e);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = MobileNetV2Tower.class.getResourceAsStream(RESOURCE_DIR + name);
    if (in == null) {
      throw new IOException("missing classpath resource " + RESOURCE_DIR + name);
    }
    return in;
  }

  public int inputSize() {
    return inputSize;
  }

  /** {@code images}: [n, 3, size, size] floats in [0, 1]; returns [n, 1280]. */
  public INDArray features(INDArray images) {
    return graph.outputSingle(false, images);
  }
}
