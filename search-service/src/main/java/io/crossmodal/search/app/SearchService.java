package io.crossmodal.search.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.http.TlsSettings;
import io.crossmodal.common.metrics.StandardMeters;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelRegistry;
import io.crossmodal.search.api.QueryEncoder;
import io.crossmodal.search.internal.http.InternalApi;
import io.crossmodal.search.internal.http.SearchApi;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.query.EncoderClient;
import io.crossmodal.search.internal.query.PeerClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search service: one HTTP API in front of one search index per deployed model ({@link
 * SearchSpace}), as the model control topic lists them. Queries run in the active model's space
 * only (each result names its model); a model being deployed fills its own index meanwhile, and a
 * switch is one control record every instance applies as it reads it. Peers ask each other by model
 * ({@link InternalApi}), so an instance that switched a moment earlier never mixes spaces.
 */
public final class SearchService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchService.class);

  private final Config config;
  private final SearchConfig settings;
  private final QueryEncoder queryEncoder;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, SearchSpace> spaces = new ConcurrentHashMap<>();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private volatile String activeId;
  private SearchSpace.Shared shared;
  private ModelRegistry control;
  private HttpService http;
  private ExecutorService scanPool;

  /**
   * A search service that asks the encoder service at {@code search.encoder.url} to encode queries.
   */
  public SearchService(Config config) {
    this(config, null);
  }

  /**
   * @param queryEncoder encodes the direct route's queries; null = the encoder service over HTTP
   */
  public SearchService(Config config, QueryEncoder queryEncoder) {
    this.config = config;
    this.settings = SearchConfig.from(config);
    this.queryEncoder = queryEncoder;
  }

  public SearchService start() throws Exception {
    StandardMeters.bindTo(registry);
    // Bound first: the port is part of the address this instance advertises to its peers.
    http = HttpService.of("search-service", settings.port(), config, this::healthy, registry);
    HostInfo self = new HostInfo(advertisedHost(settings.advertisedHost()), http.port());
    int threads = settings.scanThreadsOrCores();
    scanPool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "search-scan");
              t.setDaemon(true);
              return t;
            });
    Duration peerTimeout = settings.peerTimeout();
    Authenticator auth = Authenticator.of(config);
    TlsSettings tls = TlsSettings.of(config);
    HttpClient.Builder clientBuilder =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(peerTimeout);
    if (tls.enabled()) {
      clientBuilder.sslContext(
          tls.context()); // peers and the encoder speak TLS with the same material
    }
    HttpClient client = clientBuilder.build();
    PeerClient peers = new PeerClient(client, tls.scheme(), peerTimeout, auth.internalToken());
    QueryEncoder encoder =
        queryEncoder != null
            ? queryEncoder
            : new EncoderClient(
                client, settings.encoderUrl(), settings.requestTimeout(), auth.internalToken());
    shared =
        new SearchSpace.Shared(
            config,
            settings,
            registry,
            self,
            peers,
            encoder,
            scanPool,
            threads,
            id -> id.equals(activeId));
    new SearchApi(
            (body, query) -> active().route().answer(body, query),
            QueryParser.of(config),
            id -> active().storedMedia(id),
            (id, path) -> active().forwarder().forward(id, path),
            auth,
            this::activeMetrics)
        .register(http);
    new InternalApi(
            settings.kMax(),
            id -> {
              SearchSpace s = spaces.get(id);
              return s == null ? null : s.internal();
            },
            auth)
        .register(http);
    Gauge.builder(
            "crossmodal.model.control.invalid",
            () -> control == null ? 0 : control.invalidRecords())
        .description("records of the model control topic skipped as invalid")
        .register(registry);
    control = ModelRegistry.follow(config);
    control.onChange(this::apply);
    http.start();
    LOG.info(
        "search-service started: http port {}, HTTP queries by the {} route, advertised as {}:{}; following models on {}",
        http.port(),
        settings.httpRoute(),
        self.host(),
        self.port(),
        config.topicNames().models());
    return this;
  }

  /**
   * Opens an index for every newly deployed model, closes (and cleans up) those dropped, follows
   * the active one.
   */
  private synchronized void apply(ModelRegistry.State state) {
    for (ModelEntry entry : state.models().values()) {
      if (!spaces.containsKey(entry.id()) && !failed.contains(entry.id())) {
        try {
          spaces.put(entry.id(), new SearchSpace(entry, shared));
        } catch (Exception e) {
          failed.add(entry.id());
          LOG.error(
              "cannot open the search index of model {}; this instance leaves it out",
              entry.id(),
              e);
        }
      }
    }
    for (String id : Set.copyOf(spaces.keySet())) {
      if (!state.models().containsKey(id)) {
        spaces.remove(id).close(true);
        LOG.info("model {} dropped: its search index closed and its local state deleted", id);
      }
    }
    failed.retainAll(state.models().keySet());
    if (state.activeId() != null && !state.activeId().equals(activeId)) {
      LOG.info(
          "queries run in the space of model {} from now on (was {})", state.activeId(), activeId);
    }
    activeId = state.activeId();
  }

  /** The active model's index; 503 while there is none here. */
  private SearchSpace active() throws HttpError {
    String id = activeId;
    SearchSpace s = id == null ? null : spaces.get(id);
    if (s == null) {
      throw new HttpError(
          503,
          id == null
              ? "no model is active yet (see ./crossmodal model status)"
              : "the index of the active model " + id + " is not open on this instance");
    }
    return s;
  }

  private SearchMetrics activeMetrics() {
    String id = activeId;
    SearchSpace s = id == null ? null : spaces.get(id);
    return s == null ? null : s.metrics();
  }

  /**
   * {@code auto}: this machine's address (a container's own IP), for deployments without stable
   * names.
   */
  private static String advertisedHost(String configured) throws UnknownHostException {
    return configured.equals("auto") ? InetAddress.getLocalHost().getHostAddress() : configured;
  }

  /** The active model's index is open and RUNNING. */
  public boolean healthy() {
    String id = activeId;
    SearchSpace s = id == null ? null : spaces.get(id);
    return s != null && s.running();
  }

  /** The active model's index state, or null while no model is active here. */
  public KafkaStreams.State state() {
    String id = activeId;
    SearchSpace s = id == null ? null : spaces.get(id);
    return s == null ? null : s.state();
  }

  /** The model that answers queries here, or null before one is active. */
  public String activeModel() {
    return activeId;
  }

  /** Whether the index of {@code modelId} is open here and RUNNING. */
  public boolean running(String modelId) {
    SearchSpace s = spaces.get(modelId);
    return s != null && s.running();
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (control != null) {
      control.close();
    }
    synchronized (this) {
      spaces.values().forEach(SearchSpace::close);
      spaces.clear();
    }
    if (scanPool != null) {
      scanPool.shutdownNow();
    }
    LOG.info("search-service stopped");
  }
}
