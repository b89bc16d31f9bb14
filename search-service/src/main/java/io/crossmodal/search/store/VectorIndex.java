package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.TagFilter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's vectors held contiguously in memory (one {@code float[]} slab, row per slot, not one
 * object per vector) with the id ↔ slot map, for exact top-k scans. Upsert overwrites the id's
 * slot in place; delete frees the slot, and freed slots are reused before the slab grows.
 *
 * <p>Tags are held as one bitset of slots per tag, so a tag condition becomes a slot set with a few
 * word-wise ANDs/ORs before the scan. A selective condition (fewer than 1/{@value #SPARSE_RATIO} of
 * the slots) scores only its slots; otherwise the full scan skips the rows outside the set. Either
 * way every matching item is scored: filtered results are exact.
 *
 * <p>Not thread safe: owned by the stream thread of its task.
 */
public final class VectorIndex {
  private static final int BLOCK = 1024;
  static final int SPARSE_RATIO = 8;
  private final int dim;
  private final DotProductKernel kernel;
  private float[] slab;
  private String[] ids;
  private byte[] modalities;
  private String[] sources;
  private String[][] tagsOf;
  private final Map<String, BitSet> slotsByTag = new HashMap<>();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
  private int highWater;
  private final float[] scores = new float[BLOCK];

  public VectorIndex(int dim, int initialCapacity, DotProductKernel kernel) {
    this.dim = dim;
    this.kernel = kernel;
    int capacity = Math.max(16, initialCapacity);
    slab = new float[capacity * dim];
    ids = new String[capacity];
    modalities = new byte[capacity];
    sources = new String[capacity];
    tagsOf = new String[capacity][];
  }

  public int dim() {
    return dim;
  }

  public int size() {
    return slotOf.size();
  }

  /** Bytes held by vectors (the slab, including free slots). */
  public long vectorBytes() {
    return 4L * slab.length;
  }

  /** Returns the vector of {@code id} (a copy), or null. */
  public float[] vector(String id) {
    Integer slot = slotOf.get(id);
    return slot == null ? null : Arrays.copyOfRange(slab, slot * dim, slot * dim + dim);
  }

  public int upsert(String id, Modality modality, String source, float[] vector) {
    return upsert(id, modality, source, List.of(), vector);
  }

  /** Inserts or replaces; returns the slot used. */
  public int upsert(String id, Modality modality, String source, List<String> tags, float[] vector) {
    if (vector.length != dim) {
      throw new IllegalArgumentException("expected dim " + dim + ", got " + vector.length);
    }
    Integer slot = slotOf.get(id);
    if (slot == null) {
      slot = freeSlots.isEmpty() ? highWater++ : freeSlots.pop();
      ensureCapacity(slot + 1);
      slotOf.put(id, slot);
    }
    System.arraycopy(vector, 0, slab, slot * dim, dim);
    ids[slot] = id;
    modalities[slot] = (byte) modality.ordinal();
    sources[slot] = source;
    untag(slot);
    tagsOf[slot] = tags.toArray(String[]::new);
    for (String tag : tagsOf[slot]) {
      slotsByTag.computeIfAbsent(tag, t -> new BitSet()).set(slot);
    }
    return slot;
  }

  /** Removes {@code id}; returns whether it was present. */
  public boolean delete(String id) {
    Integer slot = slotOf.remove(id);
    if (slot == null) {
      return false;
    }
    ids[slot] = null;
    sources[slot] = null;
    untag(slot);
    Arrays.fill(slab, slot * dim, slot * dim + dim, 0f);
    freeSlots.push(slot);
    return true;
  }

  /**
   * The reference answer for quality checks: a plain scalar loop over every live slot with the
   * filter's reference semantics ({@link SearchFilter#accepts}), sharing nothing with the fast path
   * (no SIMD kernel, no tag bitsets, no sparse path) but the stored data.
   */
  public List<TopKCollector.Scored> searchReference(float[] query, int k, SearchFilter filter) {
    TopKCollector top = new TopKCollector(k);
    for (int slot = 0; slot < highWater; slot++) {
      if (ids[slot] == null || !filter.accepts(modality(slot), sources[slot], Arrays.asList(tagsOf[slot]))) {
        continue;
      }
      float s = 0;
      int base = slot * dim;
      for (int d = 0; d < dim; d++) {
        s += query[d] * slab[base + d];
      }
      top.offer(ids[slot], s, slot);
    }
    return top.result();
  }

  private void untag(int slot) {
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

  /** Number of distinct tags indexed. */
  public int tagCount() {
    return slotsByTag.size();
  }

  /** Exact top-k by dot product among live slots passing the filter, best first, ties by id. */
  public List<TopKCollector.Scored> search(float[] query, int k, SearchFilter filter) {
    return searchBatch(new float[][] {query}, k, filter).get(0);
  }

  /**
   * Several queries in one scan of the shard (each block of rows is read once for all of them);
   * results equal {@link #search} per query.
   */
  public List<List<TopKCollector.Scored>> searchBatch(float[][] queries, int k, SearchFilter filter) {
    TopKCollector[] tops = new TopKCollector[queries.length];
    for (int q = 0; q < queries.length; q++) {
      tops[q] = new TopKCollector(k);
    }
    BitSet allowed = filter.tags() == null ? null : slotsMatching(filter.tags());
    if (allowed != null && allowed.cardinality() * (long) SPARSE_RATIO < highWater) {
      scoreSlots(queries, allowed, filter, tops);
    } else if (queries.length == 1) {
      scan(queries[0], allowed, filter, tops[0]);
    } else {
      scanBatch(queries, allowed, filter, tops);
    }
    List<List<TopKCollector.Scored>> out = new ArrayList<>(queries.length);
    for (TopKCollector t : tops) {
      out.add(t.result());
    }
    return out;
  }

  private void scan(float[] query, BitSet allowed, SearchFilter filter, TopKCollector top) {
    for (int first = 0; first < highWater; first += BLOCK) {
      int rows = Math.min(BLOCK, highWater - first);
      kernel.dots(query, slab, dim, first, rows, scores);
      for (int r = 0; r < rows; r++) {
        if (top.admits(scores[r])) {
          consider(first + r, scores[r], allowed, filter, top);
        }
      }
    }
  }

  private void scanBatch(float[][] queries, BitSet allowed, SearchFilter filter, TopKCollector[] tops) {
    float[][] blockScores = new float[queries.length][BLOCK];
    for (int first = 0; first < highWater; first += BLOCK) {
      int rows = Math.min(BLOCK, highWater - first);
      kernel.dotsBatch(queries, slab, dim, first, rows, blockScores);
      for (int q = 0; q < queries.length; q++) {
        for (int r = 0; r < rows; r++) {
          if (tops[q].admits(blockScores[q][r])) {
            consider(first + r, blockScores[q][r], allowed, filter, tops[q]);
          }
        }
      }
    }
  }

  /** Scores only the slots of a selective tag condition. */
  private void scoreSlots(float[][] queries, BitSet allowed, SearchFilter filter, TopKCollector[] tops) {
    float[] one = new float[1];
    for (int slot = allowed.nextSetBit(0); slot >= 0; slot = allowed.nextSetBit(slot + 1)) {
      for (int q = 0; q < queries.length; q++) {
        kernel.dots(queries[q], slab, dim, slot, 1, one);
        if (tops[q].admits(one[0])) {
          consider(slot, one[0], null, filter, tops[q]);
        }
      }
    }
  }

  private void consider(int slot, float score, BitSet allowed, SearchFilter filter, TopKCollector top) {
    if (ids[slot] != null && (allowed == null || allowed.get(slot)) && filter.target().accepts(modality(slot))
        && (filter.source() == null || filter.source().equals(sources[slot]))) {
      top.offer(ids[slot], score, slot);
    }
  }

  /** Slots whose tags pass the condition: AND of the {@code all} sets, then AND with the OR of the {@code any} sets. */
  private BitSet slotsMatching(TagFilter tags) {
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

  public Modality modality(int slot) {
    return Modality.values()[modalities[slot]];
  }

  private void ensureCapacity(int slots) {
    if (slots <= ids.length) {
      return;
    }
    int capacity = Math.max(slots, ids.length * 2);
    slab = Arrays.copyOf(slab, capacity * dim);
    ids = Arrays.copyOf(ids, capacity);
    modalities = Arrays.copyOf(modalities, capacity);
    sources = Arrays.copyOf(sources, capacity);
    tagsOf = Arrays.copyOf(tagsOf, capacity);
  }
}
