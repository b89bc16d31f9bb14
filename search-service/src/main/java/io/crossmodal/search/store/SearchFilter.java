package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.TagFilter;
import io.crossmodal.common.event.Target;
import java.util.Collection;

/**
 * Which items a query may return: modality {@code target}, producer {@code source} (null: any) and
 * a tag condition (null: any). The index applies it exactly, inside the scan, so top-k under a
 * filter is the top-k of the matching items.
 */
public record SearchFilter(Target target, String source, TagFilter tags) {
  public static final SearchFilter ANY = new SearchFilter(Target.ANY, null, null);

  public SearchFilter {
    tags = tags == null || tags.isEmpty() ? null : tags;
  }

  public static SearchFilter target(Target target) {
    return new SearchFilter(target, null, null);
  }

  /** The reference semantics, for tests and naive checks. */
  public boolean accepts(Modality modality, String itemSource, Collection<String> itemTags) {
    return target.accepts(modality)
        && (source == null || source.equals(itemSource))
        && (tags == null || tags.matches(itemTags));
  }
}
