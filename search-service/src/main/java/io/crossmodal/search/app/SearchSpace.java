package io.crossmodal.search.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.api.QueryEncoder;
import io.crossmodal.search.internal.errors.GlobalDeadLetters;
import io.crossmodal.search.internal.http.InternalApi;
import io.crossmodal.search.internal.http.MediaForwarder;
import io.crossmodal.search.internal.http.ResultWaiter;
import io.crossmodal.search.internal.http.SearchApi;
import io.crossmodal.search.internal.http.TopicRoute;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.metrics.WatermarkLag;
import io.crossmodal.search.internal.processor.ShardProcessor;
import io.crossmodal.search.internal.query.DirectSearch;
import io.crossmodal.search.internal.query.InstanceSearch;
import io.crossmodal.search.internal.query.PeerClient;
import io.crossmodal.search.internal.query.ShardDirectory;
import io.crossmodal.search.internal.query.ShardOwners;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.internal.topology.SearchTopology;
import io.crossmodal.search.lexical.CorpusStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's search index on this instance: its own Kafka Streams application ({@code
 * search.application.id}.{@code <model-id>}) over the model's embeddings and internal topics, its
 * shards, and the routes that answer a query in its space. The {@link SearchService} runs one per
 * deployed model and sends queries to the active one, so two models' vectors never meet. Its meters
 * carry the tag {@code model}.
 */
final class SearchSpace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchSpace.class);

  /** What every space of the instance shares. */
  record Shared(
      Config config,
      SearchConfig settings,
      MeterRegistry registry,
      HostInfo self,
      PeerClient peers,
      QueryEncoder encoder,
      ExecutorService scanPool,
      int scanThreads,
      Predicate<String> active) {}

  private final ModelEntry model;
  private final Config config;
  private final SearchConfig settings;
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  private final MeterRegistry parent;
  private final KafkaStreams streams;
  private final GlobalDeadLetters globalDeadLetters;
  private final SearchMetrics metrics;
  private final LocalShards shards = new LocalShards();
  private final InstanceSearch instance;
  private final WatermarkLag watermarkLag;
  private final ShardDirectory directory;
  private final SearchApi.QueryRoute route;
  private final MediaForwarder forwarder;
  private final InternalApi.Space internal;
  private KafkaProducer<String, String> producer;
  private ResultWaiter results;

  SearchSpace(ModelEntry model, Shared shared) throws Exception {
    this.model = model;
    this.config = shared.config();
    this.settings = shared.settings();
    this.parent = shared.registry();
    meters.add(parent);
    meters.config().commonTags("model", model.id());
    Topics topics = new Topics(ModelSpace.topics(config.topicNames(), model.id()));
    String applicationId = ModelSpace.searchApplicationId(settings.applicationId(), model.id());
    Gauge.builder("crossmodal.model.info", () -> 1)
        .description("models whose space this service searches")
        .tag("service", "search")
        .tag("dim", String.valueOf(model.dim()))
        .register(meters);
    Gauge.builder("crossmodal.model.active", () -> shared.active().test(model.id()) ? 1 : 0)
        .description("1 for the model that answers queries")
        .tag("service", "search")
        .register(meters);
    metrics = new SearchMetrics(meters);
    DeadLetters deadLetters =
        new DeadLetters("search", topics.searchDlq.name(), settings.maxMessageBytes(), meters);
    CorpusStats corpus = new CorpusStats();
    metrics.corpus(corpus);
    // The global store's dead letters (Kafka Streams sends only its tasks'), exactly once across
    // instances.
    globalDeadLetters =
        new GlobalDeadLetters(
            KafkaClients.producer(config), config.kafkaClientProperties(), applicationId);
    streams =
        new KafkaStreams(
            SearchTopology.build(
                topics,
                settings.topology(model.id(), model.dim()),
                metrics,
                shards,
                corpus,
                deadLetters,
                globalDeadLetters),
            streamsProperties(applicationId, shared.self(), deadLetters));
    new KafkaStreamsMetrics(streams).bindTo(meters);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("model {}: stream thread failed; replacing it", model.id(), e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    instance =
        new InstanceSearch(
            shards,
            shared.scanPool(),
            shared.scanThreads(),
            this::storedEmbedding,
            metrics,
            settings.qualityEvery());
    watermarkLag =
        new WatermarkLag(
                config.kafkaClientProperties(),
                List.of(topics.mediaImages.name(), topics.mediaTexts.name()),
                shards,
                metrics)
            .start();
    directory = new ShardDirectory(streams, topics.embeddings, ShardProcessor.STORE, shared.self());
    forwarder = new MediaForwarder(directory, shared.peers());
    internal = new InternalApi.Space(model.id(), model.dim(), instance, shards);
    if (settings.httpRoute().equals("topics")) {
      route = topicRoute(topics);
    } else {
      DirectSearch direct =
          new DirectSearch(
              model.id(),
              model.dim(),
              KafkaClients.partitionCount(config, topics.embeddings.name()),
              shared.encoder(),
              shared.peers(),
              directory,
              shards,
              instance,
              metrics,
              settings.afterTimeoutMillis());
      route = (body, query) -> Json.write(direct.search(body, query));
    }
    LOG.info("model {} (dim {}): search index {} started", model.id(), model.dim(), applicationId);
  }

  /** HTTP queries through search.queries, answered from the shards' answers as they arrive. */
  private SearchApi.QueryRoute topicRoute(Topics topics) {
    Map<String, Object> producerProps = KafkaClients.producer(config);
    producerProps.put("linger.ms", 0); // one query at a time from HTTP: send it now
    producer =
        new KafkaProducer<>(
            producerProps,
            topics.queries.keySerde().serializer(),
            topics.queries.valueSerde().serializer());
    results =
        new ResultWaiter(
            KafkaClients.consumer(config, "unused"),
            topics.results,
            topics.shardAnswers,
            settings.kMax());
    return new TopicRoute(
        producer, topics.queries.name(), results, settings.requestTimeout().toMillis());
  }

  private Properties streamsProperties(String applicationId, HostInfo self, DeadLetters deadLetters)
      throws IOException {
    Properties p = new Properties();
    p.putAll(config.kafkaClientProperties());
    p.putAll(SearchTopology.errorHandling(deadLetters));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // One state folder holds every model's index: Kafka Streams keeps each application under
    // <state.dir>/<application.id>.
    String stateDir = settings.stateDir();
    p.put(
        StreamsConfig.STATE_DIR_CONFIG,
        stateDir.isEmpty() ? Files.createTempDirectory("crossmodal-search").toString() : stateDir);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, settings.processingGuarantee());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbyReplicas());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMillis());
    // A dead instance's shards stay unanswered until the group notices: 45 s by default, 10 s here.
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), settings.sessionTimeoutMillis());
    p.put(
        StreamsConfig.consumerPrefix("heartbeat.interval.ms"),
        Math.max(500, settings.sessionTimeoutMillis() / 4));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), settings.maxMessageBytes());
    p.put(StreamsConfig.producerPrefix("max.request.size"), settings.maxMessageBytes());
    // Streams lingers 100 ms by default; a shard answer should leave at once (see ResultWaiter).
    // 1 ms, not 0: at 0 the first batches of a new transaction race each other to the broker
    // (retriable OutOfOrderSequence errors, logged by the broker at ERROR, under transactions v2).
    p.put(StreamsConfig.producerPrefix("linger.ms"), 1);
    // Vectors and queries need no timestamp alignment across the shard's two input partitions:
    // never hold a query back waiting for the embeddings partition to be fetched.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    return p;
  }

  ModelEntry model() {
    return model;
  }

  SearchMetrics metrics() {
    return metrics;
  }

  SearchApi.QueryRoute route() {
    return route;
  }

  SearchApi.MediaOwner forwarder() {
    return forwarder;
  }

  InternalApi.Space internal() {
    return internal;
  }

  /**
   * The stored embedding of {@code id} if the shard holding it runs on this instance, else null
   * (the caller forwards to the owner); a 503 while that shard is here but its store is not
   * queryable (restoring, or moving in a rebalance), so a client retries instead of reading "not
   * found".
   */
  byte[] storedMedia(String id) throws HttpError {
    ShardOwners.Owner owner = directory.ownerOf(id);
    if (owner.partition() < 0) {
      return null;
    }
    try {
      return store(owner.partition()).get(id);
    } catch (InvalidStateStoreException e) {
      if (owner.local()) {
        throw new HttpError(
            503,
            "shard "
                + owner.partition()
                + " is restoring or moving; retry shortly ("
                + e.getMessage()
                + ")");
      }
      return null;
    }
  }

  /**
   * For hits' metadata: the stored embedding of {@code id} in {@code partition}, null when
   * unreadable (the hit stands without it).
   */
  private byte[] storedEmbedding(int partition, String id) {
    try {
      return store(partition).get(id);
    } catch (InvalidStateStoreException e) {
      return null;
    }
  }

  private ReadOnlyKeyValueStore<String, byte[]> store(int partition) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
                ShardProcessor.STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
            .withPartition(partition));
  }

  boolean running() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Stops the index; {@code cleanUp} also deletes its local state (a dropped model: nothing will
   * restore it).
   */
  void close(boolean cleanUp) {
    if (results != null) {
      results.close();
    }
    watermarkLag.close();
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    // Leave the group: the shards move to the other instances now, not after the session timeout.
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    if (cleanUp) {
      streams.cleanUp();
    }
    globalDeadLetters.close(); // after the streams: the global thread may still write one
    meters.getMeters().forEach(meters::remove);
    // What the composite registered in the shared registry carries the model tag: none may outlive
    // the space.
    parent.getMeters().stream()
        .filter(m -> model.id().equals(m.getId().getTag("model")))
        .toList()
        .forEach(parent::remove);
    LOG.info("model {}: search index stopped", model.id());
  }

  @Override
  public void close() {
    close(false);
  }
}
