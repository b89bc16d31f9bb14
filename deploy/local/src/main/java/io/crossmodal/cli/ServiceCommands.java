package io.crossmodal.cli;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.encoder.app.EncoderService;
import io.crossmodal.ingest.app.IngestService;
import io.crossmodal.model.joint.ServedModel;
import io.crossmodal.search.app.SearchService;
import java.util.concurrent.CountDownLatch;

/** One service alone against any broker: {@code encoder-service}, {@code search-service}, {@code ingest-service}. */
final class ServiceCommands {
  private ServiceCommands() {}

  interface Starter {
    AutoCloseable start(Config config, java.nio.file.Path modelFile) throws Exception;
  }

  static Command of(String summary, Starter starter) {
    return new Command() {
      @Override
      public String summary() {
        return summary;
      }

      @Override
      public int run(Options o) throws Exception {
        Config config = ServiceConfig.from(o);
        boolean createTopics = o.flag("create-topics");
        java.nio.file.Path modelFile = ServiceConfig.modelFile(o, config);
        o.requireAllUsed();
        if (createTopics) {
          KafkaClients.createTopics(config);
        }
        AutoCloseable service = starter.start(config, modelFile);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            service.close();
          } catch (Exception e) {
            e.printStackTrace();
          } finally {
            stop.countDown();
          }
        }, "crossmodal-service-shutdown"));
        stop.await();
        return 0;
      }
    };
  }

  static Command encoder() {
    return of("run encoder-service alone ([--bootstrap-servers H:P] [--config F] [--set k=v,…] [--model F] [--create-topics])",
        (c, modelFile) -> new EncoderService(c, ServedModel.entry(c, modelFile)).start());
  }

  static Command search() {
    // The models come from the control topic; a --model option is accepted (same options as the encoder) and not needed.
    return of("run search-service alone (same options as encoder-service; models come from the control topic)",
        (c, modelFile) -> new SearchService(c).start());
  }

  static Command ingest() {
    return of("run ingest-service alone ([--bootstrap-servers H:P] [--config F] [--set k=v,…] [--create-topics])",
        (c, modelFile) -> new IngestService(c).start());
  }
}
