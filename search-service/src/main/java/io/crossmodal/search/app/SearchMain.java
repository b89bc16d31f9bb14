package io.crossmodal.search.app;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import java.nio.file.Path;

/**
 * The search-service's own entry point (its container image runs it); {@code ./crossmodal
 * search-service} runs the same.
 */
public final class SearchMain {
  // The models come from the control topic; --model is accepted (the encoder's options) and not
  // needed.
  public static final String USAGE =
      "search-service [--bootstrap-servers H:P] [--config F] [--set k=v,…] [--create-topics]";

  private SearchMain() {}

  /**
   * Starts the service as configured; {@code modelFile} as {@link ServiceLauncher.Starter} says.
   */
  public static AutoCloseable start(Config config, Path modelFile) throws Exception {
    return new SearchService(config).start();
  }

  public static void main(String[] args) throws Exception {
    ServiceLauncher.main(USAGE, args, SearchMain::start);
  }
}
