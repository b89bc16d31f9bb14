package io.crossmodal.model.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * How the towers run their ONNX Runtime sessions: one batch at a time, on a given number of
 * threads.
 */
public final class OnnxSessions {
  private OnnxSessions() {}

  /**
   * @param threads intra-op threads for one run (at least 1); operators run one after another
   */
  public static OrtSession.SessionOptions options(int threads) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(Math.max(1, threads));
    options.setInterOpNumThreads(1);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    return options;
  }
}
