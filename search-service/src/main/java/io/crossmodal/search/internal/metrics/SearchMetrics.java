package io.crossmodal.search.internal.metrics;

import io.crossmodal.common.http.Rejections;
import io.crossmodal.search.lexical.CorpusStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The search service's own meters ({@code crossmodal_*}); thread safe. */
public final class SearchMetrics {
  private final MeterRegistry registry;
  private final Rejections rejections;
  private final Map<Integer, AtomicLong> vectorsPerShard = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> bytesPerShard = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> lexicalDocsPerShard = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> lexicalBytesPerShard = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> watermarkLagPerShard = new ConcurrentHashMap<>();
  private final Timer shardSearch;
  private final Timer topicLatency;
  private final Timer directLatency;
  private final DistributionSummary freshness;
  private final DistributionSummary quality;

  public SearchMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rejections = new Rejections(registry, "search");
    shardSearch =
        Timer.builder("crossmodal.search.shard.latency")
            .description("time of one shard's exact top-k scan")
            .publishPercentileHistogram()
            .register(registry);
    topicLatency = queryTimer("topics", "query record to merged result");
    directLatency = queryTimer("direct", "POST /v1/search request to merged result");
    freshness =
        DistributionSummary.builder("crossmodal.freshness.seconds")
            .description("time from media record to searchable vector")
            .baseUnit("seconds")
            .publishPercentileHistogram()
            .register(registry);
    quality =
        DistributionSummary.builder("crossmodal.search.quality.recall")
            .description(
                "recall@k of a served shard answer against a fresh reference scan, for a sample of queries")
            .register(registry);
  }

  private Timer queryTimer(String route, String description) {
    return Timer.builder("crossmodal.query.latency")
        .description(description)
        .tag("route", route)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void recordIn(String topic) {
    Counter.builder("crossmodal.records.in")
        .tag("service", "search")
        .tag("topic", topic)
        .register(registry)
        .increment();
  }

  public void recordOut(String topic) {
    Counter.builder("crossmodal.records.out")
        .tag("service", "search")
        .tag("topic", topic)
        .register(registry)
        .increment();
  }

  public void shardSize(int partition, int vectors, long bytes) {
    vectorsPerShard
        .computeIfAbsent(partition, p -> gauge("crossmodal.index.vectors", p))
        .set(vectors);
    bytesPerShard.computeIfAbsent(partition, p -> gauge("crossmodal.index.bytes", p)).set(bytes);
  }

  /**
   * The whole index's item count as this instance's lexical statistics say (what BM25 scores with).
   */
  public void corpus(CorpusStats corpus) {
    Gauge.builder("crossmodal.lexical.corpus.docs", corpus, c -> c.collection().docs())
        .description("items with words in the whole index, from the shards' published statistics")
        .register(registry);
  }

  /** The items with words in a shard's lexical index and the bytes of that index. */
  public void lexicalSize(int partition, int docs, long bytes) {
    lexicalDocsPerShard
        .computeIfAbsent(partition, p -> gauge("crossmodal.lexical.docs", p))
        .set(docs);
    lexicalBytesPerShard
        .computeIfAbsent(partition, p -> gauge("crossmodal.lexical.bytes", p))
        .set(bytes);
  }

  /** Media records of the shard's partitions not applied yet (see {@code WatermarkLag}). */
  public void watermarkLag(int partition, long records) {
    watermarkLagPerShard
        .computeIfAbsent(partition, p -> gauge("crossmodal.search.watermark.lag.records", p))
        .set(records);
  }

  /** The shard moved away or closed: its gauges go, so sums over instances stay true. */
  public void shardClosed(int partition) {
    watermarkLagPerShard.remove(partition);
    lexicalDocsPerShard.remove(partition);
    lexicalBytesPerShard.remove(partition);
    for (String name :
        List.of(
            "crossmodal.index.vectors",
            "crossmodal.index.bytes",
            "crossmodal.lexical.docs",
            "crossmodal.lexical.bytes",
            "crossmodal.search.watermark.lag.records")) {
      var gauge = registry.find(name).tag("shard", String.valueOf(partition)).gauge();
      if (gauge != null) {
        registry.remove(gauge);
      }
    }
    vectorsPerShard.remove(partition);
    bytesPerShard.remove(partition);
  }

  private AtomicLong gauge(String name, int partition) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(name, value, AtomicLong::get)
        .tag("shard", String.valueOf(partition))
        .register(registry);
    return value;
  }

  public void shardSearched(long nanos) {
    shardSearch.record(Duration.ofNanos(nanos));
  }

  /**
   * @param route {@code topics} (merge step of search.queries) or {@code direct} (HTTP interactive
   *     query)
   */
  public void queryAnswered(String route, long millis, boolean complete) {
    (route.equals("direct") ? directLatency : topicLatency)
        .record(Duration.ofMillis(Math.max(0, millis)));
    Counter.builder("crossmodal.queries.answered")
        .tag("route", route)
        .tag("complete", String.valueOf(complete))
        .register(registry)
        .increment();
  }

  /** A query no shard answered at all (answered 503, not as an empty result). */
  public void queryUnanswered(String route) {
    Counter.builder("crossmodal.queries.unanswered")
        .description("queries no shard answered (HTTP 503)")
        .tag("route", route)
        .register(registry)
        .increment();
  }

  /**
   * A request refused with a 4xx/5xx reason (HTTP has no dead-letter topic: the caller gets the
   * reason).
   */
  public void rejected(String reason) {
    rejections.count(reason);
  }

  /** A peer instance that did not answer its part of a direct search. */
  public void peerFailed() {
    Counter.builder("crossmodal.search.peer.failures").register(registry).increment();
  }

  /**
   * @param recall NaN when there was nothing to compare (no item passes the filter): not recorded
   */
  public void qualityChecked(double recall) {
    if (Double.isNaN(recall)) {
      return;
    }
    quality.record(recall);
  }

  public void freshness(long millis) {
    freshness.record(Math.max(0, millis) / 1000.0);
  }
}
