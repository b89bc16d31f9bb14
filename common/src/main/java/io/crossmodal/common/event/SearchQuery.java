package io.crossmodal.common.event;

import io.crossmodal.common.query.SearchMode;
import java.util.List;

/**
 * A validated client query from {@code search.queries} or {@code POST /v1/search}: exactly one of
 * {@code text}, {@code image} (decoded bytes) or {@code mediaId}; {@code k} results of modality
 * {@code target}, optionally only from producer {@code source} and only items whose tags pass
 * {@code tags} (null: no tag condition), ranked by {@code mode} (always {@link SearchMode#VECTOR}
 * without {@code text}), answered once every position of {@code after} is searchable (empty: at
 * once).
 */
public record SearchQuery(
    String text,
    byte[] image,
    String mediaId,
    int k,
    Target target,
    String source,
    TagFilter tags,
    SearchMode mode,
    List<Position> after) {
  public Modality queryModality() {
    return text != null ? Modality.TEXT : Modality.IMAGE;
  }
}
