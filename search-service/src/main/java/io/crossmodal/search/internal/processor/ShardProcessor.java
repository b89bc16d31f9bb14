package io.crossmodal.search.internal.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.EncodedQuery;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.event.Tags;
import io.crossmodal.common.event.Target;
import io.crossmodal.common.query.Fusion;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topic;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.lexical.Analysis;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.ItemText;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.DotProductKernel;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import io.crossmodal.search.store.VectorIndex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one shard (one partition of {@code embeddings}): indexes the shard's vectors and item
 * words and answers every encoded query addressed to the shard with its exact local best lists.
 *
 * <p>The changelogged RocksDB store is the shard's durable state; the contiguous in-memory {@link
 * VectorIndex} is rebuilt from it in {@link #init}, which Kafka Streams calls after restoration, so
 * a restarted or moved task answers with exactly the restored vectors. Both input topics arrive
 * here because both need the same index. A record it cannot use is rejected with a {@link
 * RejectedRecordException}, which the service's one error path turns into a dead letter. The index
 * is also published in {@link LocalShards} for the HTTP search to scan directly.
 *
 * <p>The shard publishes its lexical term counts ({@link CorpusStats}) to the statistics topic:
 * what changed, every {@link #STATS_EVERY}, and everything once after each start, which also
 * repairs whatever a crash between a store commit and a publication left behind (the counts are
 * absolute, so publishing one twice changes nothing).
 */
public final class ShardProcessor implements Processor<String, byte[], Object, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardProcessor.class);
  public static final String STORE = "vectors";

  /**
   * Per media "topic:partition", the highest offset this shard has applied (changelogged with the
   * vectors).
   */
  public static final String WATERMARKS = "watermarks";

  /**
   * Queries one shard holds back for their positions at most; more are answered with an error at
   * once.
   */
  static final int MAX_PARKED = 10_000;

  /** Metadata key of an image's small PNG thumbnail (base64), added by the encoder. */
  public static final String THUMBNAIL = "thumbnail";

  public static final String ANSWERS = "shard-answers-sink";

  /**
   * Sink that writes a query to every partition of the encoded-queries topic (query by example).
   */
  public static final String FAN_OUT = "encoded-queries-fan-out-sink";

  /** Sink of the shard's lexical term counts. */
  public static final String STATS = "lexical-stats-sink";

  /**
   * How often the shard publishes the term counts that changed (its words are searchable at once;
   * only scores wait for this).
   */
  static final Duration STATS_EVERY = Duration.ofMillis(100);

  private static final StringSerializer KEYS = new StringSerializer();

  private final Topic<String, EmbeddingRecord> embeddings;
  private final String modelId;
  private final int dim;
  private final SearchMetrics metrics;
  private final int qualityEvery;
  private final LocalShards localShards;
  private final boolean int8Prefilter;
  private final int kMax;
  private final CorpusStats corpus;
  private long answered;
  private boolean publishAll = true;
  private final long afterTimeoutMillis;
  private KeyValueStore<String, Long> watermarks;

  /** Queries waiting for a position of this shard's partitions to be applied ({@code after}). */
  private final List<Parked> parked = new ArrayList<>();

  private record Parked(Record<String, byte[]> record, List<Position> mine, long deadlineMillis) {}

  /**
   * The store keeps each record as the embeddings topic carries it; this reads it back for HTTP
   * threads, which have no topic at hand ({@link #hit(String, Modality, float, byte[])}).
   * Stateless, so shared.
   */
  private static final EmbeddingSerde STORED = new EmbeddingSerde();

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, byte[]> store;
  private LiveShard index;
  private int partition = -1;

  /**
   * @param kMax largest {@code k} a query may ask for (the public limit, also applied to internal
   *     records)
   */
  public ShardProcessor(
      Topic<String, EmbeddingRecord> embeddings,
      String modelId,
      int dim,
      int kMax,
      int qualityEvery,
      boolean int8Prefilter,
      SearchMetrics metrics,
      LocalShards localShards,
      CorpusStats corpus,
      long afterTimeoutMillis) {
    this.corpus = corpus;
    this.afterTimeoutMillis = afterTimeoutMillis;
    this.kMax = kMax;
    this.int8Prefilter = int8Prefilter;
    this.localShards = localShards;
    this.qualityEvery = qualityEvery;
    this.embeddings = embeddings;
    this.modelId = modelId;
    this.dim = dim;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.watermarks = context.getStateStore(WATERMARKS);
    this.partition = context.taskId().partition();
    long start = System.nanoTime();
    VectorIndex vectors =
        new VectorIndex(
            dim,
            (int) Math.min(1 << 20, store.approximateNumEntries() + 16),
            DotProductKernel.best(),
            int8Prefilter);
    this.index = new LiveShard(partition, vectors, new LexicalIndex(), corpus);
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            EmbeddingRecord r = embeddings.decodeValue(kv.value);
            var metadata = Json.object(r.metadata());
            index.upsert(
                kv.key,
                r.modality(),
                r.source(),
                Tags.of(metadata),
                r.vector(),
                ItemText.of(metadata));
          });
    }
    index.refreshWords();
    try (KeyValueIterator<String, Long> all = watermarks.all()) {
      all.forEachRemaining(
          kv -> {
            int cut = kv.key.lastIndexOf(':');
            index.advance(
                new Position(
                    kv.key.substring(0, cut),
                    Integer.parseInt(kv.key.substring(cut + 1)),
                    kv.value));
          });
    }
    localShards.add(index);
    reportSize();
    context.schedule(
        STATS_EVERY,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          publishStats(now);
          expireParked(now);
        });
    LOG.info(
        "shard {} ready: {} vectors ({} MB), {} with words, loaded from its store in {} ms",
        partition,
        index.size(),
        index.vectorBytes() >> 20,
        index.lexicalSize(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Publishes the term counts that changed, or after a start all of them, with a tombstone for
   * every count of this shard the topic still holds and the shard no longer has.
   */
  private void publishStats(long now) {
    LexicalIndex.Counts changes = index.drainLexicalChanges();
    if (publishAll) {
      publishAll = false;
      var counts = index.lexicalCounts();
      Set<String> stale = new HashSet<>();
      KeyValueStore<String, byte[]> published = context.getStateStore(CorpusStatsProcessor.STORE);
      try (KeyValueIterator<String, byte[]> mine = published.prefixScan(partition + ":", KEYS)) {
        mine.forEachRemaining(kv -> stale.add(kv.key));
      }
      counts
          .terms()
          .forEach(
              (term, n) -> {
                stale.remove(CorpusStats.termKey(partition, term));
                sendStat(CorpusStats.termKey(partition, term), CorpusStats.termValue(n), now);
              });
      stale.forEach(key -> sendStat(key, null, now));
      sendStat(
          CorpusStats.collectionKey(partition),
          CorpusStats.collectionValue(counts.collection()),
          now);
    } else if (!changes.isEmpty()) {
      changes
          .terms()
          .forEach(
              (term, n) ->
                  sendStat(
                      CorpusStats.termKey(partition, term),
                      n == 0 ? null : CorpusStats.termValue(n),
                      now));
      if (changes.collection() != null) {
        sendStat(
            CorpusStats.collectionKey(partition),
            CorpusStats.collectionValue(changes.collection()),
            now);
      }
    } else {
      return;
    }
    metrics.lexicalSize(partition, index.lexicalSize(), index.lexicalBytes());
  }

  private void sendStat(String key, byte[] value, long now) {
    context.forward(new Record<Object, Object>(key, value, now), STATS);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    metrics.recordIn(meta.topic());
    if (meta.topic().equals(embeddings.name())) {
      index(record, meta);
    } else {
      answer(record);
    }
  }

  /**
   * Applies one embeddings record, then moves the watermark to the media record it came from: also
   * when this record is refused (dead-lettered), since that write will never be searchable and a
   * query waiting for it should not wait in vain.
   */
  private void index(Record<String, byte[]> record, RecordMetadata meta) {
    Position source = Position.of(record.headers());
    try {
      apply(record, meta);
    } finally {
      if (source != null) {
        applied(source);
      }
    }
  }

  private void applied(Position p) {
    Long before = watermarks.get(p.partitionKey());
    if (before == null || before < p.offset()) {
      watermarks.put(p.partitionKey(), p.offset());
    }
    index.advance(p);
    if (!parked.isEmpty()) {
      List<Parked> ready = parked.stream().filter(w -> index.pending(w.mine()) == null).toList();
      parked.removeAll(ready);
      ready.forEach(w -> answer(w.record()));
    }
  }

  /** Parked queries whose wait is over get an error answer naming the lag. */
  private void expireParked(long now) {
    List<Parked> expired = parked.stream().filter(w -> w.deadlineMillis() <= now).toList();
    parked.removeAll(expired);
    for (Parked w : expired) {
      EncodedQuery q = EncodedQuery.read(w.record().key(), w.record().value());
      forwardAnswer(w.record(), unanswered(q, notYetSearchable(w.mine())));
    }
  }

  /** This shard's part of a query it cannot search, with the reason; the other shards answer. */
  private ShardAnswer unanswered(EncodedQuery q, String reason) {
    return new ShardAnswer(
        q.queryId(),
        partition,
        q.partitions(),
        q.k(),
        modelId,
        List.of(),
        reason,
        q.receivedAtMillis(),
        q.encodeMillis(),
        0);
  }

  /**
   * Why a query's positions are not searchable here yet: the first missing one and how far behind
   * this shard is.
   */
  private String notYetSearchable(List<Position> mine) {
    Position missing = index.pending(mine);
    return missing == null
        ? "waited too long"
        : lag(partition, missing, index.watermark(missing.partitionKey()), afterTimeoutMillis);
  }

  /** The one wording of a read-your-writes timeout (topics and HTTP routes alike). */
  public static String lag(int shard, Position missing, long watermark, long waitedMillis) {
    return "not searchable after "
        + waitedMillis
        + " ms: shard "
        + shard
        + " has applied "
        + missing.partitionKey()
        + " up to offset "
        + watermark
        + ", the write is at "
        + missing.offset()
        + " ("
        + (missing.offset() - watermark)
        + " behind)";
  }

  private void apply(Record<String, byte[]> record, RecordMetadata meta) {
    if (record.key() == null) {
      throw new RejectedRecordException("missing-key", "embedding record without a media id key");
    }
    if (record.value() == null) {
      store.delete(record.key());
      index.delete(record.key());
      reportSize();
      return;
    }
    EmbeddingRecord embedding;
    try {
      embedding = embeddings.decodeValue(record.value());
    } catch (RuntimeException e) {
      throw new RejectedRecordException("corrupt-embedding", e.getMessage());
    }
    validate(embedding);
    JsonNode metadata = metadataOf(embedding.metadata());
    List<String> tags = tagsOf(metadata);
    store.put(record.key(), record.value());
    index.upsert(
        record.key(),
        embedding.modality(),
        embedding.source(),
        tags,
        embedding.vector(),
        ItemText.of(metadata));
    metrics.freshness(System.currentTimeMillis() - embedding.createdAtMillis());
    reportSize();
  }

  /** Throws {@link RejectedRecordException} when the vector must not enter this index. */
  private void validate(EmbeddingRecord e) {
    if (!e.modelId().equals(modelId)) {
      throw new RejectedRecordException(
          "wrong-model", "vector of model " + e.modelId() + ", index holds model " + modelId);
    }
    if (e.dimension() != dim) {
      throw new RejectedRecordException(
          "wrong-dimension", "expected dim " + dim + ", got " + e.dimension());
    }
    for (float v : e.vector()) {
      if (!Float.isFinite(v)) {
        throw new RejectedRecordException("non-finite-vector", "vector contains NaN or infinity");
      }
    }
  }

  /** The metadata object; rejects metadata that is not a JSON object. */
  private static JsonNode metadataOf(String metadata) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(metadata);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new RejectedRecordException("invalid-metadata", "metadata is not a JSON object");
    }
    return node;
  }

  /** The metadata's tags; rejects bad tags. */
  private static List<String> tagsOf(JsonNode node) {
    try {
      return Tags.of(node);
    } catch (IllegalArgumentException e) {
      throw new RejectedRecordException("invalid-metadata", "metadata " + e.getMessage());
    }
  }

  private void answer(Record<String, byte[]> record) {
    EncodedQuery q = EncodedQuery.read(record.key(), record.value());
    try {
      q.validate(kMax, modelId, dim);
    } catch (RejectedRecordException e) {
      // The envelope is sound, so the client's wait can end now with the reason: as shard 0 of 1,
      // the merge step emits it as the whole (error) result, and the other shards' copies find it
      // done. The record itself is still dead-lettered (by the rethrow) like every record a shard
      // cannot use.
      forwardAnswer(
          record,
          new ShardAnswer(
              q.queryId(),
              0,
              1,
              1,
              modelId,
              List.of(),
              e.getMessage(),
              q.receivedAtMillis(),
              q.encodeMillis(),
              0));
      throw e;
    }
    List<Position> mine =
        q.after() == null
            ? List.of()
            : q.after().stream().filter(p -> p.partition() == partition).toList();
    if (index.pending(mine) != null) {
      if (parked.size() >= MAX_PARKED) {
        forwardAnswer(
            record,
            unanswered(q, "too many queries wait for their positions on shard " + partition));
        return;
      }
      // The clock expireParked's wall-clock punctuation runs on (the system clock, or a test
      // driver's).
      parked.add(new Parked(record, mine, context.currentSystemTimeMs() + afterTimeoutMillis));
      return;
    }
    if (q.vector() == null) {
      resolveExample(q, record);
      return;
    }
    SearchFilter filter = new SearchFilter(Target.parse(q.target()), q.source(), q.tags());
    SearchMode mode = q.searchMode();
    int window = Fusion.window(mode, q.k());
    LiveShard.Answer found =
        index.answer(
            mode.usesVectors() ? q.vector() : null,
            mode.usesWords() ? Analysis.queryTerms(q.text()) : List.of(),
            window,
            filter);
    long nanos = found.nanos();
    metrics.shardSearched(nanos);
    List<Hit> hits = withMetadata(found.byVector());
    List<Hit> lexicalHits = mode.usesWords() ? withMetadata(found.byWords()) : null;
    // A query with 'after' may be held back on another shard: the merge step waits for it as long.
    long wait = q.after() == null || q.after().isEmpty() ? 0 : afterTimeoutMillis;
    forwardAnswer(
        record,
        new ShardAnswer(
            q.queryId(),
            partition,
            q.partitions(),
            q.k(),
            modelId,
            hits,
            null,
            q.receivedAtMillis(),
            q.encodeMillis(),
            nanos / 1e6,
            lexicalHits,
            mode.wireName(),
            wait));
    if (mode.usesVectors() && qualityEvery > 0 && ++answered % qualityEvery == 0) {
      // After the answer left: the reference scan delays neither it nor its latency metric.
      metrics.qualityChecked(
          index.recallOf(
              found.byVector(),
              q.vector(),
              window,
              filter)); // as the direct route: the whole list served
    }
  }

  private void forwardAnswer(Record<String, byte[]> record, ShardAnswer answer) {
    context.forward(
        new Record<Object, Object>(answer.queryId(), Json.write(answer), record.timestamp()),
        ANSWERS);
    metrics.recordOut("shard-answers");
  }

  /**
   * Query by example: this shard owns {@code mediaId}'s partition, so it alone can turn the id into
   * a vector; it re-emits the query with that vector to every shard. An unknown id ends the query
   * at once with an error answer (shard 0 of 1: the merge step emits it immediately as the whole
   * answer).
   */
  private void resolveExample(EncodedQuery q, Record<String, byte[]> record) {
    float[] vector = index.vector(q.mediaId());
    if (vector == null) {
      ShardAnswer unknown =
          new ShardAnswer(
              q.queryId(),
              0,
              1,
              q.k(),
              modelId,
              List.of(),
              "unknown mediaId '" + q.mediaId() + "'",
              q.receivedAtMillis(),
              q.encodeMillis(),
              0);
      forwardAnswer(record, unknown);
      return;
    }
    EncodedQuery resolved =
        new EncodedQuery(
            q.queryId(),
            modelId,
            vector,
            null,
            q.k(),
            q.target(),
            q.source(),
            q.tags(),
            -1,
            q.partitions(),
            q.receivedAtMillis(),
            q.encodeMillis(),
            null,
            null,
            q.after());
    context.forward(
        new Record<Object, Object>(q.queryId(), Json.write(resolved), record.timestamp()), FAN_OUT);
  }

  private List<Hit> withMetadata(List<Match> matches) {
    List<Hit> out = new ArrayList<>(matches.size());
    for (Match m : matches) {
      out.add(hit(m.id(), m.modality(), m.score(), store.get(m.id())));
    }
    return out;
  }

  /**
   * A hit with the item's stored metadata, without the thumbnail (served by GET
   * /v1/media/{id}/image, too large for every hit); empty metadata when the record is gone (deleted
   * since the scan: the hit stands as the scan saw it). For the topic path and the direct route
   * alike.
   */
  public static Hit hit(String id, Modality modality, float score, byte[] stored) {
    var metadata =
        (ObjectNode) Json.object(stored == null ? "{}" : STORED.deserialize("", stored).metadata());
    metadata.remove(THUMBNAIL);
    return new Hit(id, modality.wireName(), score, metadata);
  }

  @Override
  public void close() {
    if (index != null) {
      localShards.remove(index);
      index.close();
    }
    metrics.shardClosed(partition);
  }

  private void reportSize() {
    metrics.shardSize(partition, index.size(), index.vectorBytes());
  }
}
