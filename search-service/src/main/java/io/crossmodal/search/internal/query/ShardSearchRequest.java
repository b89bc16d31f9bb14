package io.crossmodal.search.internal.query;

import io.crossmodal.common.event.Position;
import io.crossmodal.common.event.TagFilter;
import java.util.List;

/**
 * What a search instance asks a peer ({@code POST /internal/v1/shard-search}, JSON): the exact best
 * lists of the peer's shards among {@code partitions}, for an already encoded vector and, for the
 * modes that use them, the query's words.
 *
 * @param model the model whose space the vector is in; a peer of another model refuses
 * @param mode {@code SearchMode} wire name; null (an earlier peer) = vector
 * @param after positions the peer's shards wait for (null: none), at most {@code afterMillis}
 */
public record ShardSearchRequest(
    String model,
    float[] vector,
    int k,
    String target,
    String source,
    TagFilter tags,
    List<Integer> partitions,
    String text,
    String mode,
    List<Position> after,
    long afterMillis) {
  public ShardSearchRequest(
      String model,
      float[] vector,
      int k,
      String target,
      String source,
      TagFilter tags,
      List<Integer> partitions,
      String text,
      String mode) {
    this(model, vector, k, target, source, tags, partitions, text, mode, null, 0);
  }
}
