package io.crossmodal.search.internal.query;

import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.query.Gather;
import io.crossmodal.search.api.QueryEncoder;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.store.SearchFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The direct route of {@code POST /v1/search} (Kafka Streams interactive queries): the encoder
 * encodes the text or image (over HTTP, or by a direct call in one JVM), this instance scans its
 * own shards in parallel, asks each peer instance for the top-k of its shards at the same time, and
 * merges. No Kafka hop and no commit on the way, so the answer costs one encode plus the slowest
 * shard scan.
 *
 * <p>Exact like the topic route (same per-shard top-k, same merge order). A peer that fails or is
 * too slow leaves its shards out, and the result says so ({@code shardsAnswered < shardsTotal}), as
 * the topic route does after its merge timeout. Thread safe.
 */
public final class DirectSearch {
  private static final Logger LOG = LoggerFactory.getLogger(DirectSearch.class);

  private final String modelId;
  private final int dim;
  private final int shardsTotal;
  private final QueryEncoder encoder;
  private final PeerClient peers;
  private final ShardOwners directory;
  private final LocalShards shards;
  private final InstanceSearch local;
  private final SearchMetrics metrics;

  private final long afterTimeoutMillis;

  /**
   * @param afterTimeoutMillis how long a query with {@code after} waits for its positions ({@code
   *     search.after.timeout.ms})
   */
  public DirectSearch(
      String modelId,
      int dim,
      int shardsTotal,
      QueryEncoder encoder,
      PeerClient peers,
      ShardOwners directory,
      LocalShards shards,
      InstanceSearch local,
      SearchMetrics metrics,
      long afterTimeoutMillis) {
    this.afterTimeoutMillis = afterTimeoutMillis;
    this.modelId = modelId;
    this.dim = dim;
    this.shardsTotal = shardsTotal;
    this.encoder = encoder;
    this.peers = peers;
    this.directory = directory;
    this.shards = shards;
    this.local = local;
    this.metrics = metrics;
  }

  /**
   * @param body the client's query JSON, already parsed into {@code query}
   */
  public SearchResult search(String body, SearchQuery query)
      throws HttpError, InterruptedException {
    long start = System.nanoTime();
    String queryId = UUID.randomUUID().toString();
    float[] vector;
    double encodeMillis = 0;
    if (query.mediaId() != null) {
      Optional<float[]> stored = storedVector(query.mediaId());
      if (stored.isEmpty()) {
        return new SearchResult(
            queryId,
            List.of(),
            modelId,
            0,
            shardsTotal,
            "unknown mediaId '" + query.mediaId() + "'",
            new SearchResult.Timings(0, 0, (System.nanoTime() - start) / 1e6));
      }
      vector = stored.get();
    } else if (!query.mode().usesVectors()) {
      vector = null; // words only: no encoder on the way, and none needed up
    } else {
      QueryVector encoded = encoder.encode(modelId, body, query);
      if (!modelId.equals(encoded.model())
          || encoded.vector() == null
          || encoded.vector().length != dim) {
        metrics.rejected("wrong-model");
        throw new HttpError(
            502,
            "the encoder serves model "
                + encoded.model()
                + " (dim "
                + (encoded.vector() == null ? 0 : encoded.vector().length)
                + "), this index holds model "
                + modelId
                + " (dim "
                + dim
                + ")");
      }
      vector = encoded.vector();
      encodeMillis = encoded.encodeMillis();
    }
    SearchFilter filter = new SearchFilter(query.target(), query.source(), query.tags());
    List<Integer> mine = shards.partitions();
    // Read-your-writes: each shard waits for its positions, the local ones and the peers' for the
    // same time.
    long afterDeadline = System.nanoTime() + afterTimeoutMillis * 1_000_000;
    long afterMillis = query.after().isEmpty() ? 0 : afterTimeoutMillis;
    Map<String, CompletableFuture<PartialAnswer>> asked = new LinkedHashMap<>();
    directory
        .peers()
        .forEach(
            (peer, partitions) -> {
              List<Integer> wanted = partitions.stream().filter(p -> !mine.contains(p)).toList();
              if (!wanted.isEmpty()) {
                asked.put(
                    peer,
                    peers.search(
                        peer,
                        new ShardSearchRequest(
                            modelId,
                            vector,
                            query.k(),
                            query.target().wireName(),
                            query.source(),
                            query.tags(),
                            wanted,
                            query.text(),
                            query.mode().wireName(),
                            query.after(),
                            afterMillis)));
              }
            });
    List<PartialAnswer> parts = new ArrayList<>();
    InstanceSearch.Lean lean;
    try {
      lean =
          local.searchLean(
              vector,
              query.text(),
              query.mode(),
              query.k(),
              filter,
              mine,
              query.after(),
              afterDeadline);
      parts.add(lean.answer());
    } catch (NotYetSearchable e) {
      throw notSearchableYet(e);
    }
    for (var entry : asked.entrySet()) {
      String peer = entry.getKey();
      try {
        parts.add(entry.getValue().join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof NotYetSearchable late) {
          throw notSearchableYet(late);
        }
        metrics.peerFailed();
        LOG.warn(
            "peer {} did not answer; its shards are left out of this result: {}",
            peer,
            e.getMessage());
      } catch (RuntimeException e) {
        metrics.peerFailed();
        LOG.warn(
            "peer {} did not answer; its shards are left out of this result: {}",
            peer,
            e.getMessage());
      }
    }
    Set<Integer> answered = new HashSet<>();
    parts.forEach(p -> answered.addAll(p.partitions()));
    Gather.Gathered gathered = Gather.of(query.mode(), query.k(), parts);
    double totalMillis = (System.nanoTime() - start) / 1e6;
    if (answered.isEmpty()) {
      // Empty hits from no shard would read as "nothing matches": say that nothing could be asked.
      metrics.queryUnanswered("direct");
      throw new HttpError(
          503,
          "no shard of "
              + shardsTotal
              + " answered (search instances starting, rebalancing or unreachable); retry shortly");
    }
    metrics.queryAnswered("direct", (long) totalMillis, answered.size() == shardsTotal);
    // This instance's items got no metadata in the scan: read it for the k kept, not for every
    // listed one.
    return new SearchResult(
        queryId,
        local.withMetadata(gathered.hits(), lean),
        modelId,
        answered.size(),
        shardsTotal,
        null,
        new SearchResult.Timings(encodeMillis, gathered.slowestMillis(), totalMillis));
  }

  /** A shard here or on a peer did not apply the query's positions in time: 504 with its lag. */
  private HttpError notSearchableYet(NotYetSearchable e) {
    metrics.queryUnanswered("direct");
    return new HttpError(504, e.getMessage());
  }

  /** The vector of an indexed item, from this instance's shard or the peer serving it. */
  private Optional<float[]> storedVector(String id) throws HttpError {
    ShardOwners.Owner owner = directory.ownerOf(id);
    LiveShard shard = owner.partition() < 0 ? null : shards.get(owner.partition());
    if (shard != null) {
      return Optional.ofNullable(shard.vector(id));
    }
    if (owner.hostPort() == null || owner.local()) {
      throw new HttpError(
          503,
          "the shard holding '"
              + id
              + "' is not running right now (moving or restoring); retry shortly");
    }
    try {
      return peers.vector(owner.hostPort(), modelId, id);
    } catch (Exception e) {
      throw new HttpError(
          503,
          "the instance serving '"
              + id
              + "' ("
              + owner.hostPort()
              + ") did not answer: "
              + e.getMessage());
    }
  }
}
