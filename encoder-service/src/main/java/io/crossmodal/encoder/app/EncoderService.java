package io.crossmodal.encoder.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.metrics.EncoderMetrics;
import io.crossmodal.encoder.processor.EncodedBatch;
import io.crossmodal.encoder.processor.MediaEncoder;
import io.crossmodal.model.image.ImageDecoder;
import io.crossmodal.model.joint.JointEncoder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encoder service: one consume → encode → produce loop in a Kafka transaction per poll, so
 * each input's outputs and its consumed offset commit together (exactly once through crashes).
 * Instances share the media topics' partitions as one consumer group.
 */
public final class EncoderService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderService.class);

  private final Config config;
  private final Topics topics;
  private final JointEncoder encoder;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean running = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private KafkaConsumer<byte[], byte[]> consumer;
  private HttpService http;
  private Thread loop;

  public EncoderService(Config config, JointEncoder encoder) {
    this.config = config;
    this.topics = new Topics(config.topicNames());
    this.encoder = encoder;
  }

  public EncoderService start() {
    new JvmMemoryMetrics().bindTo(registry);
    consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    new KafkaClientMetrics(consumer).bindTo(registry);
    new KafkaClientMetrics(producer).bindTo(registry);
    producer.initTransactions();
    consumer.subscribe(List.of(topics.mediaImages.name(), topics.mediaTexts.name(), topics.queries.name()));
    MediaEncoder mediaEncoder = new MediaEncoder(topics, encoder,
        new ImageDecoder(config.getInt("encoder.image.max.bytes"), config.getLong("encoder.image.max.pixels")),
        new QueryParser(config.getInt("search.k.max")), config.getInt("encoder.batch.size"), config.getInt("encoder.text.max.chars"),
        new EncoderMetrics(registry));
    int partitions = producer.partitionsFor(topics.encodedQueries.name()).size();
    running.set(true);
    loop = new Thread(() -> run(producer, mediaEncoder, partitions), "encoder-loop");
    loop.start();
    http = new HttpService("encoder-service", config.getInt("encoder.port"), this::healthy, registry).start();
    LOG.info("encoder-service started: model {} (dim {}), http port {}, {} query shards", encoder.modelId(), encoder.dim(),
        http.port(), partitions);
    return this;
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> p = KafkaClients.consumer(config, config.get("encoder.group.id"));
    p.put("max.poll.records", config.getInt("encoder.batch.size") * 4);
    // Encoding a full poll of large images on a slow CPU can take minutes; do not get kicked out.
    p.put("max.poll.interval.ms", 600_000);
    return p;
  }

  private Map<String, Object> producerProperties() {
    Map<String, Object> p = new HashMap<>(KafkaClients.producer(config));
    p.put("transactional.id", config.get("encoder.group.id") + "-" + UUID.randomUUID());
    return p;
  }

  private void run(KafkaProducer<byte[], byte[]> producer, MediaEncoder mediaEncoder, int partitions) {
    Duration linger = Duration.ofMillis(config.getLong("encoder.batch.linger.ms"));
    try {
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(linger);
        if (polled.isEmpty()) {
          continue;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
        polled.forEach(records::add);
        EncodedBatch batch = mediaEncoder.encode(records, partitions);
        producer.beginTransaction();
        batch.records().forEach(producer::send);
        producer.sendOffsetsToTransaction(nextOffsets(polled), consumer.groupMetadata());
        producer.commitTransaction();
      }
    } catch (WakeupException e) {
      if (running.get()) {
        LOG.error("encoder loop woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("encoder loop failed; the service reports DOWN on /health", e);
    } finally {
      running.set(false);
      producer.close(Duration.ofSeconds(5));
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> polled) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : polled.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> recs = polled.records(tp);
      offsets.put(tp, new OffsetAndMetadata(recs.get(recs.size() - 1).offset() + 1));
    }
    return offsets;
  }

  public boolean healthy() {
    return running.get();
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    if (running.getAndSet(false) && consumer != null) {
      consumer.wakeup();
    }
    if (loop != null) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) {
      http.close();
    }
    LOG.info("encoder-service stopped");
  }
}
