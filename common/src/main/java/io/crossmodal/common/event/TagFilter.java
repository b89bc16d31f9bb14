package io.crossmodal.common.event;

import java.util.Collection;
import java.util.List;

/**
 * A query's tag condition, exact string match: the item carries every tag of {@code all} (AND) and
 * at least one of {@code any} (OR); either list may be empty (no condition). So {@code {"all":
 * ["animal"], "any": ["red", "blue"]}} reads "animal AND (red OR blue)".
 */
public record TagFilter(List<String> all, List<String> any) {
  public TagFilter {
    all = all == null ? List.of() : List.copyOf(all);
    any = any == null ? List.of() : List.copyOf(any);
  }

  public boolean isEmpty() {
    return all.isEmpty() && any.isEmpty();
  }

  /** The reference semantics (the index evaluates the same condition with bitsets). */
  public boolean matches(Collection<String> tags) {
    return tags.containsAll(all) && (any.isEmpty() || any.stream().anyMatch(tags::contains));
  }
}
