package io.crossmodal.common.event;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.query.Fusion;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.query.ShardLists;
import java.util.List;

/**
 * One shard's exact local answer for a query (internal topic, JSON): its best {@code hits} by
 * vector score and its best {@code lexicalHits} by BM25 score, each best first and at most {@link
 * Fusion#window} long for the query's {@code mode} (null lists: the signal was not asked for).
 * {@code waitMillis}: how long a shard may hold this query back for its {@code after} positions (0:
 * not at all); the merge step waits at least that long for the other shards.
 */
public record ShardAnswer(
    String queryId,
    int partition,
    int partitions,
    int k,
    String modelId,
    List<Hit> hits,
    String error,
    long receivedAtMillis,
    double encodeMillis,
    double searchMillis,
    List<Hit> lexicalHits,
    String mode,
    long waitMillis)
    implements ShardLists {

  /** An answer of the vector signal alone (error answers, vector queries). */
  public ShardAnswer(
      String queryId,
      int partition,
      int partitions,
      int k,
      String modelId,
      List<Hit> hits,
      String error,
      long receivedAtMillis,
      double encodeMillis,
      double searchMillis) {
    this(
        queryId,
        partition,
        partitions,
        k,
        modelId,
        hits,
        error,
        receivedAtMillis,
        encodeMillis,
        searchMillis,
        null,
        null,
        0);
  }

  /** Longest hold-back an answer may announce: ten minutes. */
  public static final long MAX_WAIT_MILLIS = 600_000;

  public SearchMode searchMode() {
    return SearchMode.parse(mode);
  }

  /**
   * Parses and checks a record of the shard-answers topic, the one validator of the merge step and
   * the HTTP waiter; throws {@link RejectedRecordException} ({@code missing-key}, {@code
   * corrupt-shard-answer}, {@code invalid-shard-answer}).
   */
  public static ShardAnswer read(String key, byte[] value, int kMax) {
    ShardAnswer a =
        InternalRecords.parse(
            key, value, ShardAnswer.class, "shard answer", "corrupt-shard-answer");
    String problem = a.problem(key, kMax);
    if (problem != null) {
      throw new RejectedRecordException("invalid-shard-answer", problem);
    }
    return a;
  }

  private String problem(String key, int kMax) {
    if (!key.equals(queryId)) {
      return "queryId " + queryId + " does not match the record key " + key;
    }
    if (partitions < 1
        || partitions > EncodedQuery.MAX_SHARDS
        || partition < 0
        || partition >= partitions) {
      return "partition "
          + partition
          + " of "
          + partitions
          + " is out of range (1 to "
          + EncodedQuery.MAX_SHARDS
          + " shards)";
    }
    if (waitMillis < 0 || waitMillis > MAX_WAIT_MILLIS) {
      return "waitMillis must be between 0 and " + MAX_WAIT_MILLIS + ", got " + waitMillis;
    }
    // An error answer (a rejected query) carries no hits, and k 0 from encoders of earlier
    // versions.
    int kMin = error == null ? 1 : 0;
    if (k < kMin || k > kMax) {
      return "'k' must be between " + kMin + " and " + kMax + ", got " + k;
    }
    if (modelId == null) {
      return "modelId is missing";
    }
    SearchMode m;
    try {
      m = SearchMode.parse(mode);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    int window = Fusion.window(m, Math.max(k, 0));
    if (hits == null || hits.size() > window) {
      return "hits must be a list of at most "
          + window
          + " hits, got "
          + (hits == null ? "none" : hits.size());
    }
    if (lexicalHits != null && lexicalHits.size() > window) {
      return "lexicalHits must be a list of at most " + window + " hits, got " + lexicalHits.size();
    }
    for (List<Hit> list : lexicalHits == null ? List.of(hits) : List.of(hits, lexicalHits)) {
      for (Hit h : list) {
        if (h == null || h.id() == null || h.modality() == null || !Float.isFinite(h.score())) {
          return "a hit without id, modality or a finite score: " + h;
        }
      }
    }
    return null;
  }
}
