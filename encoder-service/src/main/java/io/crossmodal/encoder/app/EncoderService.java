package io.crossmodal.encoder.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.config.MediaTopicPolicy;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.http.EncodeApi;
import io.crossmodal.encoder.metrics.EncoderMetrics;
import io.crossmodal.encoder.processor.MediaEncoder;
import io.crossmodal.encoder.processor.QueryEncoding;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.metrics.StandardMeters;
import io.crossmodal.model.joint.Towers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder service: two consume → encode → produce loops sharing one model. Media (images,
 * texts) run in a Kafka transaction per poll, so each input's outputs and its consumed offset
 * commit together (exactly once through crashes). Queries run in a second loop that sends at once
 * and commits offsets after the acknowledgement, so a query never waits behind a batch of media
 * or a transaction commit; only its polls with dead letters commit in a transaction (see
 * {@link EncodeLoop}). Instances share the partitions of each input
 * as two consumer groups ({@code encoder.group.id} and {@code encoder.group.id}-queries).
 */
public final class EncoderService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderService.class);

  private final Config config;
  private final Topics topics;
  private final Towers encoder;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<EncodeLoop> loops = new ArrayList<>();
  private DeadLetters deadLetters;
  private HttpService http;
  private QueryEncoding queryEncoding;

  public EncoderService(Config config, Towers encoder) {
    this.config = config;
    this.topics = new Topics(config.topicNames());
    this.encoder = encoder;
  }

  public EncoderService start() {
    StandardMeters.bindTo(registry);
    Gauge.builder("crossmodal.model.info", () -> 1).description("model this service encodes with")
        .tag("service", "encoder").tag("model", encoder.modelId()).tag("dim", String.valueOf(encoder.dim())).register(registry);
    checkMediaTopics();
    EncoderMetrics metrics = new EncoderMetrics(registry);
    deadLetters = new DeadLetters("encoder", topics.encoderDlq.name(), config.getInt("topic.max.message.bytes"), registry);
    String group = config.get("encoder.group.id");
    Duration linger = Duration.ofMillis(config.getLong("encoder.batch.linger.ms"));
    int partitions = startLoop("encoder-media-loop", group, List.of(topics.mediaImages.name(), topics.mediaTexts.name()), true,
        encoder, metrics, linger);
    // Queries (Kafka loop and HTTP) get their own image tower: never queued behind a media batch.
    Towers queries = encoder.withOwnImageTower();
    startLoop("encoder-query-loop", group + "-queries", List.of(topics.queries.name()), false, queries, metrics, Duration.ofMillis(100));
    http = HttpService.of("encoder-service", config.getInt("encoder.port"), config, this::healthy, registry);
    queryEncoding = new QueryEncoding(queries, MediaValidator.of(config), metrics);
    new EncodeApi(queryEncoding, QueryParser.of(config), config.getInt("encoder.image.max.bytes"), Authenticator.of(config))
        .register(http);
    http.start();
    LOG.info("encoder-service started: model {} (dim {}; {}), http port {}, {} query shards", encoder.modelId(),
        encoder.dim(), encoder.description(), http.port(), partitions);
    return this;
  }

  /**
   * Warns, with the command that fixes it, when an existing deployment's media topics expire their
   * records (created before they were compacted), and exports how many do; a check that cannot run
   * (no DescribeConfigs permission) is reported and does not stop the service.
   */
  private void checkMediaTopics() {
    int uncompacted;
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      List<MediaTopicPolicy.Finding> findings = MediaTopicPolicy.check(admin, config.topicNames(), config.get("bootstrap.servers"));
      findings.forEach(f -> LOG.warn(f.message()));
      uncompacted = findings.size();
    } catch (RuntimeException e) {
      LOG.warn("cannot check the media topics' cleanup policy: {}", e.getMessage());
      uncompacted = -1;
    }
    int value = uncompacted;
    Gauge.builder("crossmodal.media.topics.uncompacted", () -> value)
        .description("media topics that expire records instead of compacting them (-1: could not check)").register(registry);
  }

  /** Starts one loop; returns the number of search shards (partitions of the encoded-queries topic). */
  private int startLoop(String name, String group, List<String> inputs, boolean transactional, Towers model, EncoderMetrics metrics,
      Duration linger) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(group), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(true), new ByteArraySerializer(),
        new ByteArraySerializer());
    KafkaProducer<byte[], byte[]> fast = transactional ? null
        : new KafkaProducer<>(producerProperties(false), new ByteArraySerializer(), new ByteArraySerializer());
    new KafkaClientMetrics(consumer).bindTo(registry);
    new KafkaClientMetrics(producer).bindTo(registry);
    if (fast != null) {
      new KafkaClientMetrics(fast).bindTo(registry);
    }
    producer.initTransactions();
    consumer.subscribe(inputs);
    MediaEncoder mediaEncoder = new MediaEncoder(topics, model, MediaValidator.of(config), QueryParser.of(config),
        config.getInt("encoder.batch.size"), metrics, deadLetters);
    int partitions = producer.partitionsFor(topics.encodedQueries.name()).size();
    EncodeLoop loop = new EncodeLoop(name, consumer, producer, fast, mediaEncoder, partitions, linger);
    loops.add(loop);
    new Thread(loop, name).start();
    return partitions;
  }

  private Map<String, Object> consumerProperties(String group) {
    Map<String, Object> p = KafkaClients.consumer(config, group);
    p.put("max.poll.records", config.getInt("encoder.batch.size") * 4);
    // Encoding a full poll of large images on a slow CPU can take minutes; do not get kicked out.
    p.put("max.poll.interval.ms", 600_000);
    // Idle connections outlive a poll interval, so the group coordinator's connection is not closed mid-poll.
    p.put("connections.max.idle.ms", 660_000);
    return p;
  }

  private Map<String, Object> producerProperties(boolean transactional) {
    Map<String, Object> p = new HashMap<>(KafkaClients.producer(config));
    if (transactional) {
      p.put("transactional.id", config.get("encoder.group.id") + "-" + UUID.randomUUID());
    } else {
      p.put("linger.ms", 0); // a query's copies leave at once
    }
    return p;
  }

  /** What {@code POST /v1/encode} answers with, for a search service in the same JVM to call directly. */
  public QueryEncoding queryEncoding() {
    return queryEncoding;
  }

  public boolean healthy() {
    return !loops.isEmpty() && loops.stream().allMatch(EncodeLoop::running);
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    loops.forEach(EncodeLoop::stop);
    if (http != null) {
      http.close();
    }
    LOG.info("encoder-service stopped");
  }
}
