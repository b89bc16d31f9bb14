package io.crossmodal.common.event;

import io.crossmodal.common.errors.RejectedRecordException;
import java.util.List;

/** One shard's exact local top-k for a query, best first (internal topic, JSON). */
public record ShardAnswer(String queryId, int partition, int partitions, int k, String modelId, List<Hit> hits,
    String error, long receivedAtMillis, double encodeMillis, double searchMillis) {

  /**
   * Parses and checks a record of the shard-answers topic, the one validator of the merge step and
   * the HTTP waiter; throws {@link RejectedRecordException} ({@code missing-key}, {@code
   * corrupt-shard-answer}, {@code invalid-shard-answer}).
   */
  public static ShardAnswer read(String key, byte[] value, int kMax) {
    ShardAnswer a = InternalRecords.parse(key, value, ShardAnswer.class, "shard answer", "corrupt-shard-answer");
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
    if (partitions < 1 || partitions > EncodedQuery.MAX_SHARDS || partition < 0 || partition >= partitions) {
      return "partition " + partition + " of " + partitions + " is out of range (1 to " + EncodedQuery.MAX_SHARDS + " shards)";
    }
    // An error answer (a rejected query) carries no hits, and k 0 from encoders of earlier versions.
    int kMin = error == null ? 1 : 0;
    if (k < kMin || k > kMax) {
      return "'k' must be between " + kMin + " and " + kMax + ", got " + k;
    }
    if (modelId == null) {
      return "modelId is missing";
    }
    if (hits == null || hits.size() > Math.max(k, 0)) {
      return "hits must be a list of at most k = " + k + " hits, got " + (hits == null ? "none" : hits.size());
    }
    for (Hit h : hits) {
      if (h == null || h.id() == null || h.modality() == null || !Float.isFinite(h.score())) {
        return "a hit without id, modality or a finite score: " + h;
      }
    }
    return null;
  }
}
