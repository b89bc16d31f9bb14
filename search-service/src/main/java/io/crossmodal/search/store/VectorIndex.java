package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Target;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's vectors held contiguously in memory (one {@code float[]} slab, row per slot, not one
 * object per vector) with the id ↔ slot map, for exact top-k scans. Upsert overwrites the id's
 * slot in place; delete frees the slot, and freed slots are reused before the slab grows.
 *
 * <p>Not thread safe: owned by the stream thread of its task.
 */
public final class VectorIndex {
  private static final int BLOCK = 1024;
  private final int dim;
  private final DotProductKernel kernel;
  private float[] slab;
  private String[] ids;
  private byte[] modalities;
  private String[] sources;
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

  /** Inserts or replaces; returns the slot used. */
  public int upsert(String id, Modality modality, String source, float[] vector) {
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
    Arrays.fill(slab, slot * dim, slot * dim + dim, 0f);
    freeSlots.push(slot);
    return true;
  }

  /** Exact top-k by dot product among live slots passing the filter, best first, ties by id. */
  public List<TopKCollector.Scored> search(float[] query, int k, Target target, String source) {
    TopKCollector top = new TopKCollector(k);
    for (int first = 0; first < highWater; first += BLOCK) {
      int rows = Math.min(BLOCK, highWater - first);
      kernel.dots(query, slab, dim, first, rows, scores);
      for (int r = 0; r < rows; r++) {
        int slot = first + r;
        if (top.admits(scores[r]) && ids[slot] != null && matches(slot, target, source)) {
          top.offer(ids[slot], scores[r], slot);
        }
      }
    }
    return top.result();
  }

  /**
   * Several queries in one scan of the shard (each block of rows is read once for all of them);
   * results equal {@link #search} per query.
   */
  public List<List<TopKCollector.Scored>> searchBatch(float[][] queries, int k, Target target, String source) {
    TopKCollector[] tops = new TopKCollector[queries.length];
    float[][] blockScores = new float[queries.length][BLOCK];
    for (int q = 0; q < queries.length; q++) {
      tops[q] = new TopKCollector(k);
    }
    for (int first = 0; first < highWater; first += BLOCK) {
      int rows = Math.min(BLOCK, highWater - first);
      kernel.dotsBatch(queries, slab, dim, first, rows, blockScores);
      for (int q = 0; q < queries.length; q++) {
        for (int r = 0; r < rows; r++) {
          int slot = first + r;
          if (tops[q].admits(blockScores[q][r]) && ids[slot] != null && matches(slot, target, source)) {
            tops[q].offer(ids[slot], blockScores[q][r], slot);
          }
        }
      }
    }
    List<List<TopKCollector.Scored>> out = new java.util.ArrayList<>(queries.length);
    for (TopKCollector t : tops) {
      out.add(t.result());
    }
    return out;
  }

  private boolean matches(int slot, Target target, String source) {
    return target.accepts(Modality.values()[modalities[slot]]) && (source == null || source.equals(sources[slot]));
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
  }
}
