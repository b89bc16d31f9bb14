package io.crossmodal.ingest.app;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import java.nio.file.Path;

/**
 * The ingest-service's own entry point (its container image runs it); {@code ./crossmodal
 * ingest-service} runs the same.
 */
public final class IngestMain {
  public static final String USAGE =
      "ingest-service [--bootstrap-servers H:P] [--config F] [--set k=v,…] [--create-topics]";

  private IngestMain() {}

  /**
   * Starts the service as configured; {@code modelFile} as {@link ServiceLauncher.Starter} says.
   */
  public static AutoCloseable start(Config config, Path modelFile) throws Exception {
    return new IngestService(config).start();
  }

  public static void main(String[] args) throws Exception {
    ServiceLauncher.main(USAGE, args, IngestMain::start);
  }
}
