package io.crossmodal.search.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.TlsSettings;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.http.InternalApi;
import io.crossmodal.search.http.MediaForwarder;
import io.crossmodal.search.http.ResultWaiter;
import io.crossmodal.search.http.SearchApi;
import io.crossmodal.search.http.TopicRoute;
import io.crossmodal.search.metrics.SearchMetrics;
import io.crossmodal.search.processor.ShardProcessor;
import io.crossmodal.search.query.DirectSearch;
import io.crossmodal.search.query.EncoderClient;
import io.crossmodal.search.query.InstanceSearch;
import io.crossmodal.search.query.PeerClient;
import io.crossmodal.search.query.QueryEncoder;
import io.crossmodal.search.query.ShardDirectory;
import io.crossmodal.search.query.ShardOwners;
import io.crossmodal.search.store.LocalShards;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.topology.SearchTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The search service: the Kafka Streams vector store plus its HTTP API. */
public final class SearchService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchService.class);

  private final Config config;
  private final String modelId;
  private final int dim;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private KafkaStreams streams;
  private KafkaProducer<String, String> producer;
  private io.crossmodal.search.errors.GlobalDeadLetters globalDeadLetters;
  private ResultWaiter results;
  private HttpService http;
  private ExecutorService scanPool;
  private io.crossmodal.search.metrics.WatermarkLag watermarkLag;
  private ShardDirectory directory;

  private final QueryEncoder queryEncoder;

  /** A search service that asks the encoder service at {@code search.encoder.url} to encode queries. */
  public SearchService(Config config, String modelId, int dim) {
    this(config, modelId, dim, null);
  }

  /** @param queryEncoder encodes the direct route's queries; null = the encoder service over HTTP */
  public SearchService(Config config, String modelId, int dim, QueryEncoder queryEncoder) {
    this.config = config;
    this.modelId = modelId;
    this.dim = dim;
    this.queryEncoder = queryEncoder;
  }

  public SearchService start() throws Exception {
    Topics topics = new Topics(config.topicNames());
    io.crossmodal.common.metrics.StandardMeters.bindTo(registry);
    io.micrometer.core.instrument.Gauge.builder("crossmodal.model.info", () -> 1).description("model whose space this service searches")
        .tag("service", "search").tag("model", modelId).tag("dim", String.valueOf(dim)).register(registry);
    SearchMetrics metrics = new SearchMetrics(registry);
    // Bound first: the port is part of the address this instance advertises to its peers.
    http = HttpService.of("search-service", config.getInt("search.port"), config, this::healthy, registry);
    HostInfo self = new HostInfo(advertisedHost(config.get("search.advertised.host")), http.port());
    LocalShards shards = new LocalShards();
    int qualityEvery = config.getInt("search.quality.sample.every");
    DeadLetters deadLetters = new DeadLetters("search", topics.searchDlq.name(), config.getInt("topic.max.message.bytes"), registry);
    CorpusStats corpus = new CorpusStats();
    metrics.corpus(corpus);
    // The global store's dead letters (Kafka Streams sends only its tasks'), exactly once across instances.
    globalDeadLetters = new io.crossmodal.search.errors.GlobalDeadLetters(KafkaClients.producer(config), config.kafkaClientProperties(),
        config.get("search.application.id"));
    SearchTopology.Settings settings = new SearchTopology.Settings(modelId, dim, config.getInt("search.k.max"),
        config.getLong("search.merge.timeout.ms"), qualityEvery, config.getBoolean("search.index.int8"), config.getLong("search.after.timeout.ms"));
    streams = new KafkaStreams(SearchTopology.build(topics, settings, metrics, shards, corpus, deadLetters, globalDeadLetters),
        streamsProperties(self, deadLetters));
    new KafkaStreamsMetrics(streams).bindTo(registry);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();

    int configured = config.getInt("search.scan.threads");
    int threads = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    scanPool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "search-scan");
      t.setDaemon(true);
      return t;
    });
    InstanceSearch instance = new InstanceSearch(shards, scanPool, threads, this::storedEmbedding, metrics, qualityEvery);
    watermarkLag = new io.crossmodal.search.metrics.WatermarkLag(config.kafkaClientProperties(),
        List.of(topics.mediaImages.name(), topics.mediaTexts.name()), shards, metrics).start();
    directory = new ShardDirectory(streams, topics.embeddings.name(), ShardProcessor.STORE, self);
    Duration peerTimeout = Duration.ofMillis(config.getLong("search.peer.timeout.ms"));
    Authenticator auth = Authenticator.of(config);
    TlsSettings tls = TlsSettings.of(config);
    HttpClient.Builder clientBuilder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(peerTimeout);
    if (tls.enabled()) {
      clientBuilder.sslContext(tls.context()); // peers and the encoder speak TLS with the same material
    }
    HttpClient client = clientBuilder.build();
    PeerClient peers = new PeerClient(client, tls.scheme(), peerTimeout, auth.internalToken());
    SearchApi.QueryRoute route;
    if (config.get("search.http.route").equals("topics")) {
      route = topicRoute(topics);
    } else {
      QueryEncoder encoder = queryEncoder != null ? queryEncoder
          : new EncoderClient(client, config.get("search.encoder.url"), Duration.ofMillis(config.getLong("search.request.timeout.ms")),
              auth.internalToken());
      DirectSearch direct = new DirectSearch(modelId, dim, partitionCount(topics.embeddings.name()), encoder, peers, directory, shards,
          instance, metrics, config.getLong("search.after.timeout.ms"));
      route = (body, query) -> Json.write(direct.search(body, query));
    }
    new SearchApi(route, QueryParser.of(config), this::storedMedia, new MediaForwarder(directory, peers), auth, metrics)
        .register(http);
    new InternalApi(modelId, dim, config.getInt("search.k.max"), instance, shards, auth)
        .register(http);
    http.start();
    LOG.info("search-service started: model {} (dim {}), http port {}, HTTP queries by the {} route, advertised as {}:{}", modelId, dim,
        http.port(), config.get("search.http.route"), self.host(), self.port());
    return this;
  }

  /** HTTP queries through search.queries, answered from the shards' answers as they arrive. */
  private SearchApi.QueryRoute topicRoute(Topics topics) {
    Map<String, Object> producerProps = KafkaClients.producer(config);
    producerProps.put("linger.ms", 0); // one query at a time from HTTP: send it now
    producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
    results = new ResultWaiter(KafkaClients.consumer(config, "unused"), topics.results.name(), topics.shardAnswers.name(),
        config.getInt("search.k.max"));
    return new TopicRoute(producer, topics.queries.name(), results, config.getLong("search.request.timeout.ms"));
  }

  /** {@code auto}: this machine's address (a container's own IP), for deployments without stable names. */
  private static String advertisedHost(String configured) throws java.net.UnknownHostException {
    return configured.equals("auto") ? java.net.InetAddress.getLocalHost().getHostAddress() : configured;
  }

  private int partitionCount(String topic) throws Exception {
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }
  }

  private Properties streamsProperties(HostInfo self, DeadLetters deadLetters) throws java.io.IOException {
    Properties p = new Properties();
    p.putAll(config.kafkaClientProperties());
    p.putAll(SearchTopology.errorHandling(deadLetters));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get("search.application.id"));
    String stateDir = config.get("search.state.dir");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.isEmpty() ? Files.createTempDirectory("crossmodal-search").toString() : stateDir);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get("search.processing.guarantee"));
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.getInt("search.standby.replicas"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt("search.stream.threads"));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong("search.commit.interval.ms"));
    // A dead instance's shards stay unanswered until the group notices: 45 s by default, 10 s here.
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), config.getInt("search.session.timeout.ms"));
    p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), Math.max(500, config.getInt("search.session.timeout.ms") / 4));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt("topic.replication.factor"));
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), config.getInt("topic.max.message.bytes"));
    p.put(StreamsConfig.producerPrefix("max.request.size"), config.getInt("topic.max.message.bytes"));
    // Streams lingers 100 ms by default; a shard answer should leave at once (see ResultWaiter).
    // 1 ms, not 0: at 0 the first batches of a new transaction race each other to the broker
    // (retriable OutOfOrderSequence errors, logged by the broker at ERROR, under transactions v2).
    p.put(StreamsConfig.producerPrefix("linger.ms"), 1);
    // Vectors and queries need no timestamp alignment across the shard's two input partitions: never
    // hold a query back waiting for the embeddings partition to be fetched.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    return p;
  }

  /**
   * The stored embedding of {@code id} if the shard holding it runs on this instance, else null (the
   * caller forwards to the owner); a 503 while that shard is here but its store is not queryable
   * (restoring, or moving in a rebalance), so a client retries instead of reading "not found".
   */
  private byte[] storedMedia(String id) throws HttpError {
    ShardOwners.Owner owner = directory.ownerOf(id);
    if (owner.partition() < 0) {
      return null;
    }
    try {
      return store(owner.partition()).get(id);
    } catch (InvalidStateStoreException e) {
      if (owner.local()) {
        throw new HttpError(503, "shard " + owner.partition() + " is restoring or moving; retry shortly (" + e.getMessage() + ")");
      }
      return null;
    }
  }

  /** For hits' metadata: the stored embedding of {@code id} in {@code partition}, null when unreadable (the hit stands without it). */
  private byte[] storedEmbedding(int partition, String id) {
    try {
      return store(partition).get(id);
    } catch (InvalidStateStoreException e) {
      return null;
    }
  }

  private ReadOnlyKeyValueStore<String, byte[]> store(int partition) {
    return streams.store(StoreQueryParameters.fromNameAndType(ShardProcessor.STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
        .withPartition(partition));
  }

  public boolean healthy() {
    return streams != null && streams.state() == KafkaStreams.State.RUNNING;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (results != null) {
      results.close();
    }
    if (scanPool != null) {
      scanPool.shutdownNow();
    }
    if (watermarkLag != null) {
      watermarkLag.close();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (streams != null) {
      // Leave the group: the shards move to the other instances now, not after the session timeout.
      streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
          org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    }
    if (globalDeadLetters != null) {
      globalDeadLetters.close(); // after the streams: the global thread may still write one
    }
    LOG.info("search-service stopped");
  }
}
