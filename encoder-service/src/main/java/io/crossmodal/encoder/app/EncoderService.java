package io.crossmodal.encoder.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.config.MediaTopicPolicy;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.metrics.StandardMeters;
import io.crossmodal.common.models.ModelBootstrap;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelRegistry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.api.QueryEncoding;
import io.crossmodal.encoder.internal.http.EncodeApi;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.encoder.internal.processor.MediaEncoder;
import io.crossmodal.model.joint.ServedModel;
import io.crossmodal.model.joint.Towers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder service: consume → encode → produce loops for the models the model control topic
 * lists ({@link EncoderModels}). Each deployed model has a media loop (images, texts) into its own
 * space, run in a Kafka transaction per poll so each input's outputs and its consumed offset commit
 * together (exactly once through crashes); a newly deployed model's loop starts from the beginning
 * of the media topics (the re-embedding of a blue/green deploy). One query loop encodes client
 * queries with the active model: it sends at once and commits offsets after the acknowledgement, so
 * a query never waits behind a batch of media or a transaction commit; only its polls with dead
 * letters commit in a transaction (see {@link EncodeLoop}). Instances share the partitions of each
 * input as consumer groups ({@code encoder.group.id}.{@code <model-id>} per model and {@code
 * encoder.group.id}-queries).
 */
public final class EncoderService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderService.class);
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

  private final Config config;
  private final EncoderConfig settings;
  private final Topics topics;
  private final ModelEntry configured;
  private final boolean deployBeside;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private EncodeLoop queryLoop;
  private EncoderMetrics metrics;
  private DeadLetters deadLetters;
  private EncoderModels models;
  private ModelRegistry control;
  private HttpService http;
  private QueryEncoding queryEncoding;
  private ModelBootstrap.Outcome bootstrap;

  /**
   * An encoder that deploys and activates {@code configured} on a new deployment and otherwise
   * serves the control topic's models.
   */
  public EncoderService(Config config, ModelEntry configured) {
    this(config, configured, false);
  }

  /**
   * @param deployBeside deploy {@code configured} beside another active model ({@link
   *     ModelBootstrap})
   */
  public EncoderService(Config config, ModelEntry configured, boolean deployBeside) {
    this.config = config;
    this.settings = EncoderConfig.from(config);
    this.topics = new Topics(config.topicNames());
    this.configured = configured;
    this.deployBeside = deployBeside;
  }

  public EncoderService start() {
    StandardMeters.bindTo(registry);
    checkMediaTopics();
    metrics = new EncoderMetrics(registry);
    deadLetters =
        new DeadLetters("encoder", topics.encoderDlq.name(), settings.maxMessageBytes(), registry);
    models = new EncoderModels(this::startModel);
    Gauge.builder(
            "crossmodal.model.control.invalid",
            () -> control == null ? 0 : control.invalidRecords())
        .description("records of the model control topic skipped as invalid")
        .register(registry);
    control = ModelRegistry.follow(config);
    control.awaitCurrent(CONTROL_TIMEOUT);
    bootstrap =
        configured == null
            ? ModelBootstrap.Outcome.IGNORED
            : ModelBootstrap.apply(new ModelControl(config), configured, deployBeside);
    control.onChange(models::apply);
    String group = settings.groupId();
    queryLoop =
        startLoop(
            "encoder-query-loop",
            group + "-queries",
            List.of(topics.queries.name()),
            false,
            models::activeQueryWork,
            Duration.ofMillis(100));
    http = HttpService.of("encoder-service", settings.port(), config, this::healthy, registry);
    queryEncoding = new QueryEncoding(models.queryTowers(), MediaValidator.of(config), metrics);
    new EncodeApi(
            queryEncoding,
            QueryParser.of(config),
            settings.imageMaxBytes(),
            Authenticator.of(config))
        .register(http);
    http.start();
    LOG.info(
        "encoder-service started: models {} (active {}), http port {}",
        models.running().keySet(),
        models.activeId(),
        http.port());
    return this;
  }

  /**
   * Loads one deployed model and starts its media loop (on the control topic follower's thread).
   */
  private EncoderModels.Running startModel(ModelEntry entry) {
    Towers media = ServedModel.load(config, entry);
    // Queries (Kafka loop and HTTP) get their own image tower: never queued behind a media batch.
    Towers queries = media.withOwnImageTower();
    Topics space = new Topics(ModelSpace.topics(config.topicNames(), entry.id()));
    int batch = settings.batchSize();
    EncodeLoop.Work mediaWork =
        new EncodeLoop.Work(
            new MediaEncoder(
                space,
                media,
                MediaValidator.of(config),
                QueryParser.of(config),
                batch,
                metrics,
                deadLetters),
            0);
    EncodeLoop loop =
        startLoop(
            "encoder-media-loop-" + entry.id(),
            ModelSpace.encoderGroup(settings.groupId(), entry.id()),
            List.of(topics.mediaImages.name(), topics.mediaTexts.name()),
            true,
            () -> mediaWork,
            settings.linger());
    int shards = KafkaClients.partitionCount(config, space.encodedQueries.name());
    EncodeLoop.Work queryWork =
        new EncodeLoop.Work(
            new MediaEncoder(
                space,
                queries,
                MediaValidator.of(config),
                QueryParser.of(config),
                batch,
                metrics,
                deadLetters),
            shards);
    List<Meter> meters =
        List.of(
            Gauge.builder("crossmodal.model.replay.lag", loop, EncodeLoop::lag)
                .baseUnit("records")
                .description(
                    "media records this instance's loop of the model has yet to encode (a new model's replay)")
                .tag("model", entry.id())
                .register(registry),
            Gauge.builder("crossmodal.model.info", () -> 1)
                .description("models this service encodes with")
                .tag("service", "encoder")
                .tag("model", entry.id())
                .tag("dim", String.valueOf(entry.dim()))
                .register(registry),
            Gauge.builder(
                    "crossmodal.model.active", () -> entry.id().equals(models.activeId()) ? 1 : 0)
                .description("1 for the model that encodes queries")
                .tag("service", "encoder")
                .tag("model", entry.id())
                .register(registry));
    LOG.info(
        "model {} (dim {}; {}): media loop started, {} query shards",
        entry.id(),
        entry.dim(),
        media.description(),
        shards);
    return new EncoderModels.Running(
        entry, media, queries, loop, queryWork, () -> meters.forEach(registry::remove));
  }

  /**
   * Warns, with the command that fixes it, when an existing deployment's media topics expire their
   * records (created before they were compacted), and exports how many do; a check that cannot run
   * (no DescribeConfigs permission) is reported and does not stop the service.
   */
  private void checkMediaTopics() {
    int uncompacted;
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      List<MediaTopicPolicy.Finding> findings =
          MediaTopicPolicy.check(admin, config.topicNames(), settings.bootstrapServers());
      findings.forEach(f -> LOG.warn(f.message()));
      uncompacted = findings.size();
    } catch (RuntimeException e) {
      LOG.warn("cannot check the media topics' cleanup policy: {}", e.getMessage());
      uncompacted = -1;
    }
    int value = uncompacted;
    Gauge.builder("crossmodal.media.topics.uncompacted", () -> value)
        .description(
            "media topics that expire records instead of compacting them (-1: could not check)")
        .register(registry);
  }

  /** Starts one loop on its own thread. */
  private EncodeLoop startLoop(
      String name,
      String group,
      List<String> inputs,
      boolean transactional,
      Supplier<EncodeLoop.Work> work,
      Duration linger) {
    // Raw bytes in and out: MediaEncoder decodes each record with its topic's serde (a record
    // that does not decode is dead-lettered, not a crash), and one transactional producer writes
    // every output topic and the dead letters in one transaction.
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(group), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            producerProperties(true), new ByteArraySerializer(), new ByteArraySerializer());
    KafkaProducer<byte[], byte[]> fast =
        transactional
            ? null
            : new KafkaProducer<>(
                producerProperties(false), new ByteArraySerializer(), new ByteArraySerializer());
    new KafkaClientMetrics(consumer).bindTo(registry);
    new KafkaClientMetrics(producer).bindTo(registry);
    if (fast != null) {
      new KafkaClientMetrics(fast).bindTo(registry);
    }
    producer.initTransactions();
    consumer.subscribe(inputs);
    EncodeLoop loop = new EncodeLoop(name, consumer, producer, fast, work, linger);
    new Thread(loop, name).start();
    return loop;
  }

  private Map<String, Object> consumerProperties(String group) {
    Map<String, Object> p = KafkaClients.consumer(config, group);
    p.put("max.poll.records", settings.batchSize() * 4);
    // Encoding a full poll of large images on a slow CPU can take minutes; do not get kicked out.
    p.put("max.poll.interval.ms", 600_000);
    // Idle connections outlive a poll interval, so the group coordinator's connection is not closed
    // mid-poll.
    p.put("connections.max.idle.ms", 660_000);
    return p;
  }

  private Map<String, Object> producerProperties(boolean transactional) {
    Map<String, Object> p = new HashMap<>(KafkaClients.producer(config));
    if (transactional) {
      p.put("transactional.id", settings.groupId() + "-" + UUID.randomUUID());
    } else {
      p.put("linger.ms", 0); // a query's copies leave at once
    }
    return p;
  }

  /**
   * What {@code POST /v1/encode} answers with, for a search service in the same JVM to call
   * directly.
   */
  public QueryEncoding queryEncoding() {
    return queryEncoding;
  }

  /** The query loop runs, the active model is loaded, and every model's media loop runs. */
  public boolean healthy() {
    return queryLoop != null && queryLoop.running() && models.healthy();
  }

  /** What the start did with the configured model. */
  public ModelBootstrap.Outcome bootstrap() {
    return bootstrap;
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    if (control != null) {
      control.close(); // no model starts while the others stop
    }
    if (models != null) {
      models.close();
    }
    if (queryLoop != null) {
      queryLoop.stop();
    }
    if (http != null) {
      http.close();
    }
    LOG.info("encoder-service stopped");
  }
}
