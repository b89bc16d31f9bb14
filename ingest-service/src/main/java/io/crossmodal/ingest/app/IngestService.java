package io.crossmodal.ingest.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.metrics.StandardMeters;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.ingest.internal.http.IngestApi;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest service: HTTP in, idempotent {@code acks=all} producer out. */
public final class IngestService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  private final Config config;
  private final IngestConfig settings;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private KafkaProducer<String, byte[]> producer;
  private HttpService http;

  public IngestService(Config config) {
    this.config = config;
    this.settings = IngestConfig.from(config);
  }

  public IngestService start() {
    StandardMeters.bindTo(registry);
    Topics topics = new Topics(config.topicNames());
    // One producer for both media topics: image bytes as they are, texts encoded with their
    // topic's serde by IngestApi (Topic.encodeValue).
    producer =
        new KafkaProducer<>(
            KafkaClients.producer(config),
            topics.mediaImages.keySerde().serializer(),
            topics.mediaImages.valueSerde().serializer());
    new KafkaClientMetrics(producer).bindTo(registry);
    // Fail fast when the broker or the topics are missing; afterwards health follows the producer.
    producer.partitionsFor(config.topicNames().mediaImages());
    http = HttpService.of("ingest-service", settings.port(), config, this::healthy, registry);
    new IngestApi(
            producer,
            topics,
            MediaValidator.of(config),
            settings.maxMessageBytes(),
            Authenticator.of(config),
            registry)
        .register(http);
    http.start();
    LOG.info("ingest-service started: http port {}", http.port());
    return this;
  }

  /** Up while the producer is connected to at least one broker. */
  public boolean healthy() {
    return producer != null
        && producer.metrics().entrySet().stream()
            .filter(
                e ->
                    e.getKey().name().equals("connection-count")
                        && e.getKey().group().equals("producer-metrics"))
            .anyMatch(e -> ((Number) e.getValue().metricValue()).doubleValue() > 0);
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    LOG.info("ingest-service stopped");
  }
}
