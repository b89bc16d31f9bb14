package io.crossmodal.common.event;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.query.SearchMode;
import java.util.List;

/**
 * A query after encoding, as the search shards receive it (JSON on the internal encoded-queries
 * topic). Either {@code vector} is set, or {@code mediaId} names an indexed item whose vector the
 * shard holding it uses (query by example).
 *
 * <p>Internal records are validated like public ones ({@link #read}, {@link #validate}): anyone
 * with write access to the cluster, or an older or newer version of the encoder, can write this
 * topic.
 *
 * @param queryId the client's query id (the result's key)
 * @param modelId model that encoded {@code vector}; shards refuse other models
 * @param vector unit-length query vector, or null for query by example
 * @param mediaId item to use as the example, or null
 * @param tags tag condition, or null
 * @param partition the shard this copy is addressed to (-1: a resolved query by example, re-fanned
 *     out)
 * @param partitions shard count when the query was fanned out
 * @param receivedAtMillis when the query record was written (its Kafka timestamp)
 * @param encodeMillis time the encoder spent on it
 * @param text the query's words, for the lexical signal (null for image and by-example queries)
 * @param mode {@link SearchMode} wire name; null (an earlier encoder) = vector
 * @param after positions the answer waits for (null or empty: none); a shard waits for those of its
 *     partition
 */
public record EncodedQuery(
    String queryId,
    String modelId,
    float[] vector,
    String mediaId,
    int k,
    String target,
    String source,
    TagFilter tags,
    int partition,
    int partitions,
    long receivedAtMillis,
    double encodeMillis,
    String text,
    String mode,
    List<Position> after) {

  /** A query that waits for nothing. */
  public EncodedQuery(
      String queryId,
      String modelId,
      float[] vector,
      String mediaId,
      int k,
      String target,
      String source,
      TagFilter tags,
      int partition,
      int partitions,
      long receivedAtMillis,
      double encodeMillis,
      String text,
      String mode) {
    this(
        queryId,
        modelId,
        vector,
        mediaId,
        k,
        target,
        source,
        tags,
        partition,
        partitions,
        receivedAtMillis,
        encodeMillis,
        text,
        mode,
        null);
  }

  /** More shards than any deployment has: a bound on what an internal record may claim. */
  public static final int MAX_SHARDS = 10_000;

  /**
   * Parses a record of the encoded-queries topic and checks its envelope (what an error answer
   * needs: the query id matching the key, the shard count); throws {@link RejectedRecordException}
   * ({@code missing-key}, {@code corrupt-encoded-query}, {@code invalid-encoded-query}).
   */
  public static EncodedQuery read(String key, byte[] value) {
    EncodedQuery q =
        InternalRecords.parse(
            key, value, EncodedQuery.class, "encoded query", "corrupt-encoded-query");
    if (!key.equals(q.queryId())) {
      throw new RejectedRecordException(
          "invalid-encoded-query",
          "queryId " + q.queryId() + " does not match the record key " + key);
    }
    if (q.partitions() < 1
        || q.partitions() > MAX_SHARDS
        || q.partition() < -1
        || q.partition() >= q.partitions()) {
      throw new RejectedRecordException(
          "invalid-encoded-query",
          "partition "
              + q.partition()
              + " of "
              + q.partitions()
              + " is out of range (1 to "
              + MAX_SHARDS
              + " shards)");
    }
    return q;
  }

  /**
   * Checks what the shard needs to answer, with the same limits as a public query; throws {@link
   * RejectedRecordException} ({@code wrong-model}, {@code wrong-dimension}, {@code
   * invalid-encoded-query}).
   */
  public void validate(int kMax, String indexModel, int indexDim) {
    if (!indexModel.equals(modelId)) {
      throw new RejectedRecordException(
          "wrong-model", "query encoded by model " + modelId + ", index holds model " + indexModel);
    }
    if ((vector == null) == (mediaId == null || mediaId.isBlank())) {
      throw new RejectedRecordException(
          "invalid-encoded-query", "exactly one of vector and mediaId is required");
    }
    if (vector != null && vector.length != indexDim) {
      throw new RejectedRecordException(
          "wrong-dimension",
          "query vector has dim " + vector.length + ", index has dim " + indexDim);
    }
    if (vector != null) {
      for (float v : vector) {
        if (!Float.isFinite(v)) {
          throw new RejectedRecordException(
              "invalid-encoded-query", "query vector contains NaN or infinity");
        }
      }
    }
    if (k < 1 || k > kMax) {
      throw new RejectedRecordException(
          "invalid-encoded-query", "'k' must be between 1 and " + kMax + ", got " + k);
    }
    if (after != null
        && (after.size() > Position.MAX_PER_QUERY
            || after.stream()
                .anyMatch(
                    p -> p == null || p.topic() == null || p.partition() < 0 || p.offset() < 0))) {
      throw new RejectedRecordException(
          "invalid-encoded-query",
          "'after' must hold at most "
              + Position.MAX_PER_QUERY
              + " positions with a topic, a partition and an offset");
    }
    try {
      Target.parse(target);
      if (SearchMode.parse(mode).usesWords() && (text == null || text.isBlank())) {
        throw new IllegalArgumentException("mode " + mode + " needs the query text");
      }
    } catch (IllegalArgumentException e) {
      throw new RejectedRecordException("invalid-encoded-query", e.getMessage());
    }
  }

  public SearchMode searchMode() {
    return SearchMode.parse(mode);
  }
}
