package io.crossmodal.search.store;

import io.crossmodal.common.event.TagFilter;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tags of a {@link VectorIndex}'s slots, held as one bitset of slots per tag, so a tag
 * condition becomes a slot set with a few word-wise ANDs/ORs before the scan. Not thread safe.
 */
final class SlotTags {
  private String[][] tagsOf;
  private final Map<String, BitSet> slotsByTag = new HashMap<>();

  SlotTags(int capacity) {
    tagsOf = new String[capacity][];
  }

  void grow(int capacity) {
    tagsOf = Arrays.copyOf(tagsOf, capacity);
  }

  /** Replaces the slot's tags. */
  void set(int slot, List<String> tags) {
    clear(slot);
    tagsOf[slot] = tags.toArray(String[]::new);
    for (String tag : tagsOf[slot]) {
      slotsByTag.computeIfAbsent(tag, t -> new BitSet()).set(slot);
    }
  }

  void clear(int slot) {
    if (tagsOf[slot] == null) {
      return;
    }
    for (String tag : tagsOf[slot]) {
      BitSet slots = slotsByTag.get(tag);
      slots.clear(slot);
      if (slots.isEmpty()) {
        slotsByTag.remove(tag);
      }
    }
    tagsOf[slot] = null;
  }

  List<String> of(int slot) {
    return tagsOf[slot] == null ? List.of() : Arrays.asList(tagsOf[slot]);
  }

  /** Number of distinct tags. */
  int count() {
    return slotsByTag.size();
  }

  /**
   * Slots whose tags pass the condition: AND of the {@code all} sets, then AND with the OR of the
   * {@code any} sets.
   */
  BitSet matching(TagFilter tags) {
    BitSet result = null;
    for (String tag : tags.all()) {
      BitSet slots = slotsByTag.get(tag);
      if (slots == null) {
        return new BitSet();
      }
      if (result == null) {
        result = (BitSet) slots.clone();
      } else {
        result.and(slots);
      }
    }
    if (!tags.any().isEmpty()) {
      BitSet union = new BitSet();
      for (String tag : tags.any()) {
        BitSet slots = slotsByTag.get(tag);
        if (slots != null) {
          union.or(slots);
        }
      }
      if (result == null) {
        result = union;
      } else {
        result.and(union);
      }
    }
    return result;
  }
}
