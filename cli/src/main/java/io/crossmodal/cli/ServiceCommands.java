package io.crossmodal.cli;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Options;
import io.crossmodal.encoder.app.EncoderMain;
import io.crossmodal.ingest.app.IngestMain;
import io.crossmodal.search.app.SearchMain;

/**
 * One service alone against any broker, as its own {@code main} runs it: {@code encoder-service},
 * {@code search-service}, {@code ingest-service}.
 */
final class ServiceCommands {
  private ServiceCommands() {}

  static Command of(String usage, ServiceLauncher.Starter starter) {
    return new Command() {
      @Override
      public String summary() {
        return "run " + usage;
      }

      @Override
      public int run(Options o) throws Exception {
        return ServiceLauncher.run(o, starter);
      }
    };
  }

  static Command encoder() {
    return of(EncoderMain.USAGE, EncoderMain::start);
  }

  static Command search() {
    return of(SearchMain.USAGE, SearchMain::start);
  }

  static Command ingest() {
    return of(IngestMain.USAGE, IngestMain::start);
  }
}
