package io.crossmodal.cli;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.Options;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.local.LocalStack;
import io.crossmodal.local.MediaLoader;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code local}: broker, topics and the three services in this JVM; loads the bundled sample once;
 * prints the URLs; Ctrl-C stops cleanly and a second run restores from the data folder.
 */
final class LocalCommand implements Command {
  @Override
  public String summary() {
    return "run everything in one JVM with an embedded broker ([--data-dir D] [--kafka-port 9092] [--no-sample])";
  }

  @Override
  public int run(Options o) throws Exception {
    Path dataDir = o.path("data-dir", Options.home().resolve("data/local"));
    int kafkaPort = o.getInt("kafka-port", 9092);
    boolean sample = !o.flag("no-sample");
    Path sampleManifest = o.path("sample", Options.home().resolve("cli/sample/manifest.jsonl"));
    Config config = ServiceLauncher.config(o);
    Path modelFile = ServiceLauncher.modelFile(o, config);
    o.requireAllUsed();

    ModelEntry model = ServedModel.entry(config, modelFile);
    System.out.println(
        "crossmodal local: data folder "
            + dataDir.toAbsolutePath()
            + " (model "
            + model.id()
            + ": "
            + model.description()
            + ")");
    CountDownLatch stop = new CountDownLatch(1);
    LocalStack stack = LocalStack.start(dataDir, kafkaPort, config, model);
    if (!model.id().equals(stack.search().activeModel())) {
      System.out.println(
          "this data folder serves model "
              + stack.search().activeModel()
              + "; model "
              + model.id()
              + " is re-embedding the media in the background and takes over when it has caught up (./crossmodal model status)");
    }
    Thread hook =
        new Thread(
            () -> {
              stack.close();
              stop.countDown();
            },
            "crossmodal-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Path marker = dataDir.resolve(".sample-loaded");
    if (sample && !Files.exists(marker)) {
      int n = MediaLoader.load(stack.config(), Manifest.read(sampleManifest), true);
      Files.writeString(marker, model.id());
      System.out.println(
          "loaded "
              + n
              + " sample items (images and captions); encoding continues in the background");
    }
    System.out.printf(
        "%nready:%n  search   http://localhost:%d/  (web page; API: POST /v1/search {\"text\": \"a red car\"})%n"
            + "  ingest   http://localhost:%d/v1/images, /v1/texts%n  encoder  http://localhost:%d/health%n"
            + "  metrics  /metrics on each port%n  kafka    %s%nCtrl-C to stop.%n",
        stack.searchPort(), stack.ingestPort(), stack.encoderPort(), stack.bootstrapServers());
    System.out.flush();
    stop.await();
    return 0;
  }
}
