package io.crossmodal.common.config;

import io.crossmodal.common.topic.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Immutable configuration of every service: defaults in code ({@link #KEYS}), overridden by an
 * optional properties file, then by environment variables ({@code CROSSMODAL_SEARCH_PORT} for
 * {@code search.port}), then by explicit overrides. Unknown keys and unparsable values fail at
 * start-up naming the key. Keys under {@code kafka.} pass through to every Kafka client with the
 * prefix removed (security protocol, SASL, TLS, …).
 */
public final class Config {
  public static final String KAFKA_PREFIX = "kafka.";
  public static final String ENV_PREFIX = "CROSSMODAL_";

  /** Read by the {@code ./crossmodal} launcher itself (JVM options), not config keys. */
  static final Set<String> LAUNCHER_VARIABLES = Set.of("CROSSMODAL_JAVA_OPTS");

  public static final List<ConfigKey> KEYS =
      List.of(
          new ConfigKey("bootstrap.servers", "localhost:9092", "Kafka bootstrap servers"),
          new ConfigKey(
              "topic.media.images", TopicNames.defaults().mediaImages(), "image media topic"),
          new ConfigKey(
              "topic.media.texts", TopicNames.defaults().mediaTexts(), "text media topic"),
          new ConfigKey(
              "topic.embeddings",
              TopicNames.defaults().embeddings(),
              "compacted embeddings topic; each model's space adds .<model-id>"),
          new ConfigKey("topic.queries", TopicNames.defaults().queries(), "client query topic"),
          new ConfigKey(
              "topic.queries.encoded",
              TopicNames.defaults().encodedQueries(),
              "encoded queries (internal)"),
          new ConfigKey(
              "topic.shard.answers",
              TopicNames.defaults().shardAnswers(),
              "per-shard answers (internal)"),
          new ConfigKey("topic.results", TopicNames.defaults().results(), "ranked results topic"),
          new ConfigKey(
              "topic.encoder.dlq", TopicNames.defaults().encoderDlq(), "encoder dead letters"),
          new ConfigKey(
              "topic.search.dlq", TopicNames.defaults().searchDlq(), "search dead letters"),
          new ConfigKey(
              "topic.lexical.stats",
              TopicNames.defaults().lexicalStats(),
              "the shards' term statistics (internal)"),
          new ConfigKey(
              "topic.models",
              TopicNames.defaults().models(),
              "model control topic: deployed models and the active one"),
          new ConfigKey(
              "topic.partitions", "6", "partitions of topics the system creates (= search shards)"),
          new ConfigKey(
              "topic.replication.factor", "1", "replication factor of topics the system creates"),
          new ConfigKey(
              "topic.max.message.bytes",
              "16777216",
              "max record size on media topics and clients (≥ 10 MiB images)"),
          new ConfigKey(
              "http.idle.timeout.ms",
              "30000",
              "an HTTP connection that sends or receives nothing for this long is closed (above every request timeout)"),
          new ConfigKey(
              "http.request.timeout.ms",
              "30000",
              "a request body must arrive whole within this long (else 408)"),
          new ConfigKey(
              "http.min.request.data.rate",
              "1024",
              "bytes/s below which a request body upload is cut off (trickling clients)"),
          new ConfigKey(
              "http.max.concurrent.requests",
              "64",
              "API requests handled at once per service; more get 503 + Retry-After (/health, /metrics exempt)"),
          new ConfigKey(
              "http.max.connections",
              "2000",
              "open connections per service; more wait in the accept queue"),
          new ConfigKey(
              "http.tls.keystore",
              "",
              "PKCS12/JKS keystore with this service's certificate and key: HTTPS instead of HTTP (empty = plain)"),
          new ConfigKey(
              "http.tls.keystore.password", "", "password of http.tls.keystore (and of its key)"),
          new ConfigKey(
              "http.tls.truststore",
              "",
              "PKCS12/JKS truststore: the certificates this service trusts (peers, encoder, client certificates)"),
          new ConfigKey("http.tls.truststore.password", "", "password of http.tls.truststore"),
          new ConfigKey(
              "http.tls.client.auth",
              "none",
              "client certificates: none, want or need (mutual TLS)"),
          new ConfigKey(
              "http.max.body.bytes",
              "25165824",
              "largest request body of any route (a base64 image of topic.max.message.bytes fits)"),
          new ConfigKey("ingest.port", "8081", "ingest-service HTTP port (0 = any free port)"),
          new ConfigKey(
              "auth.read.tokens",
              "",
              "bearer tokens with the read right (search, media, encode), comma separated; any token = auth on"),
          new ConfigKey(
              "auth.write.tokens",
              "",
              "bearer tokens with the write right (ingest), comma separated"),
          new ConfigKey(
              "auth.tokens.file",
              "",
              "file of 'read <token>' / 'write <token>' lines, added to the tokens above"),
          new ConfigKey(
              "auth.internal.token",
              "",
              "secret the services use with each other (required when auth is on)"),
          new ConfigKey(
              "encoder.port",
              "8082",
              "encoder-service HTTP port: /health, /metrics and POST /v1/encode"),
          new ConfigKey(
              "encoder.group.id", "crossmodal-encoder", "consumer group of encoder instances"),
          new ConfigKey("encoder.batch.size", "32", "max items per inference batch"),
          new ConfigKey("encoder.batch.linger.ms", "20", "max wait to fill a batch"),
          new ConfigKey("encoder.model.file", "", "model file; empty = the bundled default model"),
          new ConfigKey(
              "encoder.towers.dir",
              "",
              "CLIP-format towers folder (image.onnx, text.onnx, tokenizer.json, preprocessor_config.json) served instead of the model file"),
          new ConfigKey(
              "encoder.image.runtime",
              "onnx",
              "engine of the image tower: onnx (ONNX Runtime, faster) or dl4j (the reference)"),
          new ConfigKey(
              "encoder.image.threads", "0", "threads one image batch may use (0 = one per core)"),
          new ConfigKey("encoder.image.max.bytes", "10485760", "largest accepted encoded image"),
          new ConfigKey(
              "encoder.image.max.pixels", "40000000", "largest accepted declared width × height"),
          new ConfigKey("encoder.text.max.chars", "10000", "longest accepted text"),
          new ConfigKey(
              "encoder.metadata.max.bytes",
              "65536",
              "largest accepted metadata header (JSON object)"),
          new ConfigKey("search.port", "8083", "search-service HTTP port"),
          new ConfigKey(
              "search.application.id", "crossmodal-search", "Kafka Streams application id"),
          new ConfigKey("search.state.dir", "", "Kafka Streams state dir; empty = a temp folder"),
          new ConfigKey("search.standby.replicas", "0", "standby replicas per shard"),
          new ConfigKey("search.stream.threads", "1", "Kafka Streams threads"),
          new ConfigKey(
              "search.processing.guarantee", "exactly_once_v2", "at_least_once or exactly_once_v2"),
          new ConfigKey(
              "search.merge.timeout.ms",
              "3000",
              "emit a partial answer when not all shards answered in time"),
          new ConfigKey("search.k.max", "100", "largest k a query may ask for"),
          new ConfigKey(
              "search.request.timeout.ms",
              "15000",
              "POST /v1/search waits this long for the result"),
          new ConfigKey(
              "search.after.timeout.ms",
              "10000",
              "a query with 'after' waits this long for its positions to be searchable"),
          new ConfigKey(
              "search.http.route",
              "direct",
              "how POST /v1/search answers: direct (encoder over HTTP, shards scanned in place) or topics (through search.queries)"),
          new ConfigKey(
              "search.encoder.url",
              "http://localhost:8082",
              "encoder-service base URL for the direct route"),
          new ConfigKey(
              "search.advertised.host",
              "localhost",
              "host name other search instances reach this one by (with search.port); auto = this machine's IP address"),
          new ConfigKey(
              "local.encode.in.process",
              "true",
              "./crossmodal local: the search service encodes queries by a direct call to the encoder in the same JVM (false = over HTTP like separate services)"),
          new ConfigKey(
              "search.index.int8",
              "true",
              "keep an int8 copy of each shard's vectors (+25 % memory) to prefilter scans; results stay exact"),
          new ConfigKey(
              "search.scan.threads",
              "0",
              "threads scanning this instance's shards for direct searches (0 = one per core)"),
          new ConfigKey(
              "search.peer.timeout.ms",
              "2000",
              "a peer instance slower than this is left out of a direct search's answer"),
          new ConfigKey(
              "search.commit.interval.ms",
              "100",
              "Kafka Streams commit interval (latency of results)"),
          new ConfigKey(
              "search.quality.sample.every",
              "50",
              "check every n-th answer of a shard against a reference scan (0 = off)"),
          new ConfigKey(
              "search.session.timeout.ms",
              "10000",
              "how soon the group notices a dead instance and moves its shards"));

  private final Map<String, String> values;

  private Config(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Config defaults() {
    return load(null, Map.of(), Map.of());
  }

  /** Defaults ← properties file (optional) ← environment ← overrides; validates every key. */
  public static Config load(
      Path propertiesFile, Map<String, String> environment, Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>();
    KEYS.forEach(k -> v.put(k.name(), k.defaultValue()));
    if (propertiesFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(propertiesFile)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read config file " + propertiesFile + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames()
          .forEach(k -> v.put(requireKnown(k, propertiesFile.toString()), p.getProperty(k).trim()));
    }
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && !LAUNCHER_VARIABLES.contains(name)) {
            v.put(requireKnown(fromEnvName(name), "environment variable " + name), value);
          }
        });
    overrides.forEach((k, value) -> v.put(requireKnown(k, "override"), value));
    Config c = new Config(v);
    c.validate();
    return c;
  }

  /**
   * {@code CROSSMODAL_SEARCH_K_MAX} → {@code search.k.max}; {@code CROSSMODAL_KAFKA_SASL_MECHANISM}
   * → {@code kafka.sasl.mechanism}.
   */
  static String fromEnvName(String env) {
    return env.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  private static String requireKnown(String key, String origin) {
    if (key.startsWith(KAFKA_PREFIX) || KEYS.stream().anyMatch(k -> k.name().equals(key))) {
      return key;
    }
    throw new IllegalArgumentException("unknown config key '" + key + "' (from " + origin + ")");
  }

  private void validate() {
    for (ConfigKey k : KEYS) {
      if (k.defaultValue().matches("-?\\d+")) {
        getLong(k.name());
      } else if (k.defaultValue().matches("true|false")) {
        getBoolean(k.name());
      }
    }
    String route = get("search.http.route");
    if (!route.equals("direct") && !route.equals("topics")) {
      throw new IllegalArgumentException(
          "search.http.route must be direct or topics, got " + route);
    }
    String guarantee = get("search.processing.guarantee");
    if (!guarantee.equals("at_least_once") && !guarantee.equals("exactly_once_v2")) {
      throw new IllegalArgumentException(
          "search.processing.guarantee must be at_least_once or exactly_once_v2, got " + guarantee);
    }
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("unknown config key '" + key + "'");
    }
    return v;
  }

  public boolean getBoolean(String key) {
    String v = get(key).trim();
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(
          "config key '" + key + "' expects true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  public int getInt(String key) {
    return Math.toIntExact(getLong(key));
  }

  public long getLong(String key) {
    String v = get(key);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "config key '" + key + "' expects an integer, got '" + v + "'");
    }
  }

  /** A copy with some keys replaced (validated like any other source). */
  public Config with(Map<String, String> overrides) {
    Map<String, String> v = new LinkedHashMap<>(values);
    overrides.forEach((k, value) -> v.put(requireKnown(k, "override"), value));
    Config c = new Config(v);
    c.validate();
    return c;
  }

  public TopicNames topicNames() {
    return new TopicNames(
        get("topic.media.images"),
        get("topic.media.texts"),
        get("topic.embeddings"),
        get("topic.queries"),
        get("topic.queries.encoded"),
        get("topic.shard.answers"),
        get("topic.results"),
        get("topic.encoder.dlq"),
        get("topic.search.dlq"),
        get("topic.lexical.stats"),
        get("topic.models"));
  }

  /**
   * Common Kafka client settings: bootstrap servers, max record size, and every {@code kafka.*}
   * key.
   */
  public Map<String, Object> kafkaClientProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", get("bootstrap.servers"));
    values.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PREFIX)) {
            p.put(k.substring(KAFKA_PREFIX.length()), v);
          }
        });
    return p;
  }
}
