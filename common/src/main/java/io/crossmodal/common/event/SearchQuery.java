package io.crossmodal.common.event;

/**
 * A validated client query from {@code search.queries} or {@code POST /v1/search}: exactly one of
 * {@code text}, {@code image} (decoded bytes) or {@code mediaId}; {@code k} results of modality
 * {@code target}, optionally only from producer {@code source} and only items whose tags pass
 * {@code tags} (null: no tag condition).
 */
public record SearchQuery(String text, byte[] image, String mediaId, int k, Target target, String source, TagFilter tags) {
  public Modality queryModality() {
    return text != null ? Modality.TEXT : Modality.IMAGE;
  }
}
