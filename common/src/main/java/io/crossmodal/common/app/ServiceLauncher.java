package io.crossmodal.common.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.config.Options;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What every service's {@code main} does, and the command line's {@code encoder-service}, {@code
 * search-service} and {@code ingest-service} with it: config from the defaults ← {@code --config
 * FILE} ← the environment ← {@code --bootstrap-servers} and {@code --set key=value,…}; {@code
 * --create-topics}; then the service runs until SIGTERM, which closes it.
 */
public final class ServiceLauncher {
  /**
   * Starts one service; {@code modelFile} is {@code --model FILE} or {@code encoder.model.file},
   * null for the bundled model.
   */
  @FunctionalInterface
  public interface Starter {
    AutoCloseable start(Config config, Path modelFile) throws Exception;
  }

  private ServiceLauncher() {}

  /** {@code main(args)} of a service: exit status 2 with the reason on stderr for a bad option. */
  public static void main(String usage, String[] args, Starter starter) throws Exception {
    int status;
    try {
      status = run(new Options(args), starter);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\nusage: " + usage);
      status = 2;
    }
    System.exit(status);
  }

  /**
   * Runs the service that {@code o} configures until the JVM is asked to stop; returns the exit
   * status.
   */
  public static int run(Options o, Starter starter) throws Exception {
    if (!o.positional().isEmpty()) {
      // An image's entrypoint is the service itself: a first argument "encoder-service" is left
      // over from when all images ran the command line. Said loudly rather than ignored.
      throw new IllegalArgumentException(
          "unexpected argument '" + o.positional().get(0) + "' (a service takes options only)");
    }
    Config config = config(o);
    boolean createTopics = o.flag("create-topics");
    Path modelFile = modelFile(o, config);
    o.requireAllUsed();
    if (createTopics) {
      KafkaClients.createTopics(config);
    }
    AutoCloseable service = starter.start(config, modelFile);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    service.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stop.countDown();
                  }
                },
                "crossmodal-service-shutdown"));
    stop.await();
    return 0;
  }

  /** {@code --model FILE}, else {@code encoder.model.file}, else null (the bundled model). */
  public static Path modelFile(Options o, Config config) {
    String configured = config.get("encoder.model.file");
    return o.path("model", configured.isBlank() ? null : Path.of(configured));
  }

  /**
   * The defaults ← {@code --config FILE} ← the environment ← {@code --bootstrap-servers} and {@code
   * --set key=value,…}.
   */
  public static Config config(Options o) {
    Path file = o.path("config", null);
    Map<String, String> overrides = new HashMap<>();
    String bootstrap = o.get("bootstrap-servers", null);
    if (bootstrap != null) {
      overrides.put("bootstrap.servers", bootstrap);
    }
    String sets = o.get("set", null);
    if (sets != null) {
      for (String kv : sets.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set expects key=value[,key=value], got " + kv);
        }
        overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return Config.load(file, System.getenv(), overrides);
  }
}
