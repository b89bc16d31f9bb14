package io.crossmodal.local;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.http.TlsSettings;
import io.crossmodal.common.models.ActiveModel;
import io.crossmodal.common.models.ModelBootstrap;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.encoder.app.EncoderService;
import io.crossmodal.ingest.app.IngestService;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.search.app.SearchService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything in one JVM: an embedded KRaft broker, the topics, and the three services, with all
 * state under one data folder so that a second start restores instead of re-encoding.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  private final EmbeddedKafkaBroker broker;
  private final Config config;
  private final SearchService search;
  private final EncoderService encoder;
  private final IngestService ingest;
  private Thread switcher;

  private LocalStack(
      EmbeddedKafkaBroker broker,
      Config config,
      SearchService search,
      EncoderService encoder,
      IngestService ingest) {
    this.broker = broker;
    this.config = config;
    this.search = search;
    this.encoder = encoder;
    this.ingest = ingest;
  }

  /**
   * @param config service settings; {@code bootstrap.servers} and {@code search.state.dir} are set
   *     here
   * @param model the model to serve: activated on a new data folder; on one whose active model is
   *     another, deployed beside it and switched to in the background once its space has caught up
   */
  public static LocalStack start(Path dataDir, int kafkaPort, Config config, ModelEntry model)
      throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort);
    Config c =
        config.with(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "search.state.dir",
                dataDir.resolve("search-state").toString()));
    KafkaClients.createTopics(c);
    EncoderService encoder = new EncoderService(c, model, true).start();
    // The search service's direct route asks this encoder: by a direct call in this JVM, or over
    // HTTP like separate services do (its port may be ephemeral).
    Config withEncoder =
        c.with(
            Map.of(
                "search.encoder.url",
                TlsSettings.of(c).scheme() + "://localhost:" + encoder.httpPort()));
    SearchService search =
        new SearchService(
                withEncoder,
                c.getBoolean("local.encode.in.process")
                    ? new InProcessQueryEncoder(encoder.queryEncoding())
                    : null)
            .start();
    IngestService ingest = new IngestService(c).start();
    LocalStack stack = new LocalStack(broker, c, search, encoder, ingest);
    stack.awaitSearchRunning(120);
    if (encoder.bootstrap() == ModelBootstrap.Outcome.DEPLOYED_BESIDE) {
      stack.switchWhenCaughtUp(model.id());
    }
    return stack;
  }

  /**
   * The migration of {@code ./crossmodal local} started with another model: switch once its space
   * has caught up, and say so.
   */
  private void switchWhenCaughtUp(String id) {
    LOG.info(
        "migrating to model {} in the background; model {} answers queries until its index has caught up",
        id,
        search.activeModel());
    switcher =
        new Thread(
            () -> {
              long[] lastLog = {0};
              try {
                ActiveModel now =
                    new ModelControl(config)
                        .activateWhenCaughtUp(
                            id,
                            Duration.ofDays(7),
                            p -> {
                              if (System.currentTimeMillis() - lastLog[0] > 10_000) {
                                lastLog[0] = System.currentTimeMillis();
                                LOG.info(
                                    "model {}: {} of {} media encoded, {} embeddings to index",
                                    id,
                                    p.mediaDone(),
                                    p.mediaTotal(),
                                    p.searchLag());
                              }
                            });
                if (now != null) {
                  LOG.info(
                      "model {} caught up and is active now (previous {}: ./crossmodal model rollback returns to it)",
                      id,
                      now.previous());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LOG.error("the switch to model {} stopped; see ./crossmodal model status", id, e);
              }
            },
            "local-model-switch");
    switcher.setDaemon(true);
    switcher.start();
  }

  private void awaitSearchRunning(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!search.healthy()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "search-service not RUNNING after " + seconds + " s (state " + search.state() + ")");
      }
      Thread.sleep(100);
    }
  }

  public Config config() {
    return config;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public SearchService search() {
    return search;
  }

  public int searchPort() {
    return search.httpPort();
  }

  public int encoderPort() {
    return encoder.httpPort();
  }

  public int ingestPort() {
    return ingest.httpPort();
  }

  @Override
  public void close() {
    LOG.info("stopping local stack");
    if (switcher != null) {
      switcher.interrupt();
    }
    ingest.close();
    encoder.close();
    search.close();
    broker.close();
  }
}
