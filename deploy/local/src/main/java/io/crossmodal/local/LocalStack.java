package io.crossmodal.local;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.http.TlsSettings;
import io.crossmodal.encoder.app.EncoderService;
import io.crossmodal.ingest.app.IngestService;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.joint.ModelFile;
import io.crossmodal.model.joint.ServedModel;
import io.crossmodal.model.joint.Towers;
import io.crossmodal.search.app.SearchService;
import java.nio.file.Path;
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

  private LocalStack(EmbeddedKafkaBroker broker, Config config, SearchService search, EncoderService encoder, IngestService ingest) {
    this.broker = broker;
    this.config = config;
    this.search = search;
    this.encoder = encoder;
    this.ingest = ingest;
  }

  /** @param config service settings; {@code bootstrap.servers} and {@code search.state.dir} are set here */
  public static LocalStack start(Path dataDir, int kafkaPort, Config config, ModelFile.LoadedModel model) throws Exception {
    return start(dataDir, kafkaPort, config, ServedModel.towers(config, model));
  }

  /** @param towers the model the encoder serves (a model file's, or a CLIP-format folder's) */
  public static LocalStack start(Path dataDir, int kafkaPort, Config config, Towers towers) throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort);
    Config c = config.with(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "search.state.dir", dataDir.resolve("search-state").toString()));
    KafkaClients.createTopics(c);
    EncoderService encoder = new EncoderService(c, towers).start();
    // The search service's direct route asks this encoder: by a direct call in this JVM, or over
    // HTTP like separate services do (its port may be ephemeral).
    Config withEncoder = c.with(Map.of("search.encoder.url", TlsSettings.of(c).scheme() + "://localhost:" + encoder.httpPort()));
    SearchService search = new SearchService(withEncoder, towers.modelId(), towers.dim(),
        c.getBoolean("local.encode.in.process") ? new InProcessQueryEncoder(encoder.queryEncoding()) : null).start();
    IngestService ingest = new IngestService(c).start();
    LocalStack stack = new LocalStack(broker, c, search, encoder, ingest);
    stack.awaitSearchRunning(120);
    return stack;
  }

  private void awaitSearchRunning(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!search.healthy()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("search-service not RUNNING after " + seconds + " s (state " + search.state() + ")");
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
    ingest.close();
    encoder.close();
    search.close();
    broker.close();
  }
}
