package io.crossmodal.cli;

/** One subcommand of {@code ./crossmodal}. */
interface Command {
  String summary();

  /** Runs with parsed options and returns the process exit code. */
  int run(Options options) throws Exception;
}
