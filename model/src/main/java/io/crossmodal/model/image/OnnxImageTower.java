package io.crossmodal.model.image;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.crossmodal.model.onnx.OnnxSessions;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MobileNetV2 tower run by ONNX Runtime: the bundled TF.js weights exported in memory by {@link
 * MobileNetV2Onnx} at load (no file is written or downloaded), so it is the very network {@link
 * MobileNetV2Tower} runs in DL4J.
 *
 * <p>Not thread safe: the direct input buffer is reused across calls (no per-batch allocation of
 * the pixel tensor); give each encoding thread its own tower.
 */
public final class OnnxImageTower implements ImageTower {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final int inputSize;
  private final String layer;
  private final int featureDim;
  private final String output;
  private final PixelBatch batch = new PixelBatch();

  private OnnxImageTower(
      OrtEnvironment env, OrtSession session, int inputSize, String layer, String output) {
    this.env = env;
    this.session = session;
    this.inputSize = inputSize;
    this.layer = layer;
    this.output = output;
    this.featureDim = features(new float[3 * inputSize * inputSize], 1)[0].length;
  }

  /**
   * @param threads ONNX Runtime intra-op threads for one batch
   */
  public static OnnxImageTower load(int inputSize, String layer, int threads) {
    return load(inputSize, layer, threads, null);
  }

  /**
   * @param tuned trained weights replacing one 1×1 convolution's, or null
   */
  public static OnnxImageTower load(int inputSize, String layer, int threads, TunedLayer tuned) {
    return load(inputSize, layer, threads, tuned, MobileNetV2Graph.FEATURES);
  }

  /**
   * A tower whose "features" are the whole spatial activation of {@code tap} (a layer before the
   * feature layer, e.g. its input), flattened channel-first: what training a {@link TunedLayer}
   * reads.
   */
  public static OnnxImageTower tap(int inputSize, String layer, String tap, int threads) {
    return load(inputSize, layer, threads, null, tap);
  }

  private static OnnxImageTower load(
      int inputSize, String layer, int threads, TunedLayer tuned, String output) {
    List<String> taps = output.equals(MobileNetV2Graph.FEATURES) ? List.of() : List.of(output);
    return of(
        MobileNetV2Onnx.export(MobileNetV2Tower.archive(), inputSize, layer, taps, tuned),
        inputSize,
        layer,
        threads,
        output);
  }

  /**
   * Any exported tower whose {@code input} is NCHW pixels in [0, 1] and whose {@code output} is one
   * row per image.
   */
  static OnnxImageTower of(byte[] model, int inputSize, String layer, int threads, String output) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = OnnxSessions.options(threads);
      return new OnnxImageTower(env, env.createSession(model, options), inputSize, layer, output);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot load the exported image tower " + layer, e);
    }
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public int featureDim() {
    return featureDim;
  }

  @Override
  public float[][] features(float[] pixels, int n) {
    FloatBuffer input = batch.direct(pixels, n * 3 * inputSize * inputSize);
    try (OnnxTensor tensor =
            OnnxTensor.createTensor(env, input, new long[] {n, 3, inputSize, inputSize});
        OrtSession.Result result = session.run(Map.of("input", tensor), Set.of(output))) {
      FloatBuffer out = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
      float[][] features = new float[n][out.remaining() / n];
      for (float[] row : features) {
        out.get(row);
      }
      return features;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on an image batch of " + n, e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
