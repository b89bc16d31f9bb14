package io.crossmodal.cli;

import io.crossmodal.common.config.Options;

/** One subcommand of {@code ./crossmodal}. */
interface Command {
  String summary();

  /** Runs with parsed options and returns the process exit code. */
  int run(Options options) throws Exception;
}
