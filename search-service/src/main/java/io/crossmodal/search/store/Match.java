package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.query.Ranked;

/**
 * A shard's match, by vector or by words, with its modality, read under the same lock as the scan
 * (a slot may be reused after it). Here, below both indexes, so the lexical index can answer in it
 * without depending on the shard that combines them.
 */
public record Match(String id, float score, Modality modality) implements Ranked {}
