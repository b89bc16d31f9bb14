package io.crossmodal.encoder.app;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import io.crossmodal.model.joint.ServedModel;
import java.nio.file.Path;

/**
 * The encoder-service's own entry point (its container image runs it); {@code ./crossmodal
 * encoder-service} runs the same.
 */
public final class EncoderMain {
  public static final String USAGE =
      "encoder-service [--bootstrap-servers H:P] [--config F] [--set k=v,…] [--model F] [--create-topics]";

  private EncoderMain() {}

  /**
   * Starts the service as configured; {@code modelFile} as {@link ServiceLauncher.Starter} says.
   */
  public static AutoCloseable start(Config config, Path modelFile) throws Exception {
    return new EncoderService(config, ServedModel.entry(config, modelFile)).start();
  }

  public static void main(String[] args) throws Exception {
    ServiceLauncher.main(USAGE, args, EncoderMain::start);
  }
}
