package io.crossmodal.common.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One ranked match: media id, its modality, its score, and the item's metadata object. The score is
 * the ranking signal's: cosine for {@code vector}, BM25 for {@code lexical}, the fused
 * reciprocal-rank score for {@code hybrid}; {@code signals} says which signals found the item and
 * with which score ({@code {"vector": 0.31, "lexical": 7.2}}; null inside a shard's answer).
 */
public record Hit(
    String id, String modality, float score, JsonNode metadata, Map<String, Float> signals)
    implements Ranked {
  public Hit(String id, String modality, float score, JsonNode metadata) {
    this(id, modality, score, metadata, null);
  }

  public Hit withSignals(float fusedScore, Map<String, Float> found) {
    return new Hit(id, modality, fusedScore, metadata, found);
  }
}
