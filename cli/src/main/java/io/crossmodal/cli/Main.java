package io.crossmodal.cli;

import io.crossmodal.common.config.Options;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code ./crossmodal} command line: dispatches to one {@link Command} per subcommand. */
public final class Main {
  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("local", new LocalCommand());
    COMMANDS.put("encoder-service", ServiceCommands.encoder());
    COMMANDS.put("search-service", ServiceCommands.search());
    COMMANDS.put("ingest-service", ServiceCommands.ingest());
    COMMANDS.put("model", new ModelCommand());
    COMMANDS.put("ingest", new IngestCommand());
    COMMANDS.put("search", new SearchCommand());
    COMMANDS.put("dataset", new DatasetCommand());
    COMMANDS.put("bench", new BenchCommand());
    COMMANDS.put("features", new FeaturesCommand());
    COMMANDS.put("train", new TrainCommand());
    COMMANDS.put("evaluate", new EvaluateCommand());
    COMMANDS.put("soak", new SoakCommand());
  }

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || !COMMANDS.containsKey(args[0])) {
      System.out.println("usage: ./crossmodal <command> [options]   (each command takes --help)\n");
      COMMANDS.forEach((name, c) -> System.out.printf("  %-16s %s%n", name, c.summary()));
      System.exit(args.length == 0 || args[0].startsWith("-") ? 0 : 2);
    }
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println("./crossmodal " + args[0] + ": " + COMMANDS.get(args[0]).summary());
      System.exit(0);
    }
    try {
      System.exit(COMMANDS.get(args[0]).run(new Options(Arrays.copyOfRange(args, 1, args.length))));
    } catch (IllegalArgumentException e) {
      // Bad options or config: a clear one-line reason, not a stack trace.
      System.err.println("crossmodal " + args[0] + ": " + e.getMessage());
      System.exit(2);
    } catch (Exception | Error e) {
      // Anything else that stops a command (a port in use at start): say so and exit, instead of
      // leaving the broker's and clients' threads running a half-started process.
      e.printStackTrace();
      System.exit(1);
    }
  }
}
