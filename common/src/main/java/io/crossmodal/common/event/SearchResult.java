package io.crossmodal.common.event;

import io.crossmodal.common.query.Hit;
import java.util.List;

/**
 * The ranked answer on {@code search.results} (JSON), keyed by query id.
 *
 * @param hits best first; ties broken by id
 * @param model id of the model whose space was searched
 * @param shardsAnswered shards that answered; less than {@code shardsTotal} after a merge timeout
 * @param error a reason when the query could not be answered (e.g. unknown mediaId), else null
 * @param timings milliseconds: {@code encode}, {@code searchMax} (slowest shard), {@code total}
 */
public record SearchResult(
    String queryId,
    List<Hit> hits,
    String model,
    int shardsAnswered,
    int shardsTotal,
    String error,
    Timings timings) {
  /** Milliseconds spent encoding, in the slowest shard, and from query record to result. */
  public record Timings(double encode, double searchMax, double total) {}
}
