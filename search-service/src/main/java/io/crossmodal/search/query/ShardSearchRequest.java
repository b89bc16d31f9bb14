package io.crossmodal.search.query;

import io.crossmodal.common.event.TagFilter;
import java.util.List;

/**
 * What a search instance asks a peer ({@code POST /internal/v1/shard-search}, JSON): the exact
 * best lists of the peer's shards among {@code partitions}, for an already encoded vector and, for
 * the modes that use them, the query's words.
 *
 * @param model the model whose space the vector is in; a peer of another model refuses
 * @param mode {@code SearchMode} wire name; null (an earlier peer) = vector
 */
public record ShardSearchRequest(String model, float[] vector, int k, String target, String source, TagFilter tags,
    List<Integer> partitions, String text, String mode) {}
