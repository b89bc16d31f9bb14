package io.crossmodal.search.app;

import io.crossmodal.common.config.Config;
import io.crossmodal.search.internal.topology.SearchTopology;
import java.time.Duration;

/**
 * The search service's own settings, read once from the one {@link Config} (whose key table
 * documents each; {@code Config} has checked every value at start-up). Kafka client settings and
 * the components shared with other services (HTTP limits, TLS, authentication, the query contract)
 * keep reading {@code Config} themselves.
 *
 * @param scanThreads threads that scan shards for HTTP queries; 0 = one per core
 * @param httpRoute {@code direct} (shards over HTTP) or {@code topics} (through search.queries)
 * @param stateDir Kafka Streams state folder; empty = a temp folder
 */
record SearchConfig(
    int port,
    String advertisedHost,
    int scanThreads,
    Duration peerTimeout,
    String encoderUrl,
    Duration requestTimeout,
    String httpRoute,
    String applicationId,
    int kMax,
    long mergeTimeoutMillis,
    int qualityEvery,
    boolean int8Prefilter,
    long afterTimeoutMillis,
    int maxMessageBytes,
    String stateDir,
    String processingGuarantee,
    int standbyReplicas,
    int streamThreads,
    long commitIntervalMillis,
    int sessionTimeoutMillis,
    int replicationFactor) {

  public static SearchConfig from(Config c) {
    return new SearchConfig(
        c.getInt("search.port"),
        c.get("search.advertised.host"),
        c.getInt("search.scan.threads"),
        Duration.ofMillis(c.getLong("search.peer.timeout.ms")),
        c.get("search.encoder.url"),
        Duration.ofMillis(c.getLong("search.request.timeout.ms")),
        c.get("search.http.route"),
        c.get("search.application.id"),
        c.getInt("search.k.max"),
        c.getLong("search.merge.timeout.ms"),
        c.getInt("search.quality.sample.every"),
        c.getBoolean("search.index.int8"),
        c.getLong("search.after.timeout.ms"),
        c.getInt("topic.max.message.bytes"),
        c.get("search.state.dir"),
        c.get("search.processing.guarantee"),
        c.getInt("search.standby.replicas"),
        c.getInt("search.stream.threads"),
        c.getLong("search.commit.interval.ms"),
        c.getInt("search.session.timeout.ms"),
        c.getInt("topic.replication.factor"));
  }

  /** Scan threads as configured, one per core when 0. */
  public int scanThreadsOrCores() {
    return scanThreads > 0 ? scanThreads : Runtime.getRuntime().availableProcessors();
  }

  /** What the topology of one model's space is built for. */
  public SearchTopology.Settings topology(String modelId, int dim) {
    return new SearchTopology.Settings(
        modelId, dim, kMax, mergeTimeoutMillis, qualityEvery, int8Prefilter, afterTimeoutMillis);
  }
}
