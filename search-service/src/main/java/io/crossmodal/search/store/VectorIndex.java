package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.query.TopKCollector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's vectors held contiguously in memory (one {@code float[]} slab, row per slot, not one
 * object per vector) with the id ↔ slot map, for exact top-k scans. Upsert overwrites the id's slot
 * in place; delete frees the slot, and freed slots are reused before the slab grows.
 *
 * <p>Tags are held as one bitset of slots per tag ({@link SlotTags}), so a tag condition becomes a
 * slot set with a few word-wise ANDs/ORs before the scan. A selective condition (fewer than
 * 1/{@value #SPARSE_RATIO} of the slots) scores only its slots; otherwise the full scan skips the
 * rows outside the set. Either way every matching item is scored: filtered results are exact.
 *
 * <p>With the int8 prefilter on, each row also has an int8 copy ({@link Int8Codes}: per-row scale)
 * and a bound on how far a score from the copy can be from the float score (the rounding residual's
 * norm plus float error). A single-query scan reads the int8 copy (a quarter of the bytes), keeps
 * every row whose upper bound reaches the k-th best lower bound, and scores only those from the
 * float rows. Every row that can be in the top-k (ties included) is among them, so the result is
 * the same exact top-k as a full float scan; only the work differs.
 *
 * <p>Not thread safe (the shard, {@code shard.LiveShard}, is its shared form).
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
  private final SlotTags tags;
  private final Map<String, Integer> slotOf = new HashMap<>();
  private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
  private int highWater;
  private final float[] scores = new float[BLOCK];

  /** The int8 copy of the rows, or null when the prefilter is off. */
  private final Int8Codes int8;

  /** A float-only index (every scan reads the float rows). */
  public VectorIndex(int dim, int initialCapacity, DotProductKernel kernel) {
    this(dim, initialCapacity, kernel, false);
  }

  /**
   * @param int8Prefilter keep an int8 copy and prefilter single-query scans with it (same results,
   *     +25 % memory)
   */
  public VectorIndex(int dim, int initialCapacity, DotProductKernel kernel, boolean int8Prefilter) {
    this.dim = dim;
    this.kernel = kernel;
    int capacity = Math.max(16, initialCapacity);
    this.int8 = int8Prefilter ? new Int8Codes(dim, capacity) : null;
    slab = new float[capacity * dim];
    ids = new String[capacity];
    modalities = new byte[capacity];
    sources = new String[capacity];
    tags = new SlotTags(capacity);
  }

  public int dim() {
    return dim;
  }

  public int size() {
    return slotOf.size();
  }

  /** Bytes held by vectors (the slab and the int8 copy, including free slots). */
  public long vectorBytes() {
    return 4L * slab.length + (int8 == null ? 0 : int8.bytes());
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
  public int upsert(
      String id, Modality modality, String source, List<String> tags, float[] vector) {
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
    if (int8 != null) {
      int8.quantize(slot, vector);
    }
    ids[slot] = id;
    modalities[slot] = (byte) modality.ordinal();
    sources[slot] = source;
    this.tags.set(slot, tags);
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
    tags.clear(slot);
    Arrays.fill(slab, slot * dim, slot * dim + dim, 0f);
    if (int8 != null) {
      int8.clear(slot);
    }
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
      if (ids[slot] == null || !filter.accepts(modality(slot), sources[slot], tags.of(slot))) {
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

  /** Number of distinct tags indexed. */
  public int tagCount() {
    return tags.count();
  }

  /** Exact top-k by dot product among live slots passing the filter, best first, ties by id. */
  public List<TopKCollector.Scored> search(float[] query, int k, SearchFilter filter) {
    return searchBatch(new float[][] {query}, k, filter).get(0);
  }

  /**
   * Several queries in one scan of the shard (each block of rows is read once for all of them);
   * results equal {@link #search} per query.
   */
  public List<List<TopKCollector.Scored>> searchBatch(
      float[][] queries, int k, SearchFilter filter) {
    TopKCollector[] tops = new TopKCollector[queries.length];
    for (int q = 0; q < queries.length; q++) {
      tops[q] = new TopKCollector(k);
    }
    BitSet allowed = filter.tags() == null ? null : tags.matching(filter.tags());
    if (allowed != null && allowed.cardinality() * (long) SPARSE_RATIO < highWater) {
      scoreSlots(queries, allowed, filter, tops);
    } else if (queries.length == 1 && int8 != null) {
      scanInt8(queries[0], k, allowed, filter, tops[0]);
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

  /**
   * Pass 1 over the int8 rows: score ± bound gives each row an interval that holds its float score;
   * rows passing the filter whose upper end reaches the k-th best lower end so far are candidates.
   * Pass 2 scores the candidates still above the final k-th lower end from the float rows. The k
   * rows with the best lower ends have float scores ≥ that k-th lower end, so every row of the
   * float top-k (and every tie) is a candidate.
   */
  private void scanInt8(
      float[] query, int k, BitSet allowed, SearchFilter filter, TopKCollector top) {
    double qn2 = 0;
    for (float x : query) {
      qn2 += (double) x * x;
    }
    float qn = Math.nextUp((float) Math.sqrt(qn2));
    KthLargest lower = new KthLargest(k);
    int[] candidates = new int[64];
    float[] uppers = new float[64];
    int n = 0;
    for (int first = 0; first < highWater; first += BLOCK) {
      int rows = Math.min(BLOCK, highWater - first);
      kernel.codeDots(query, int8.codes(), dim, first, rows, scores);
      float floor = lower.value();
      for (int r = 0; r < rows; r++) {
        int slot = first + r;
        float approx = scores[r] * int8.scale(slot);
        float bound = qn * int8.bound(slot);
        float upper = approx + bound;
        if (upper >= floor && passes(slot, allowed, filter)) {
          lower.offer(approx - bound);
          floor = lower.value();
          if (n == candidates.length) {
            candidates = Arrays.copyOf(candidates, 2 * n);
            uppers = Arrays.copyOf(uppers, 2 * n);
          }
          candidates[n] = slot;
          uppers[n++] = upper;
        }
      }
    }
    float floor = lower.value();
    float[] one = new float[1];
    for (int i = 0; i < n; i++) {
      if (uppers[i] >= floor) {
        int slot = candidates[i];
        kernel.dots(query, slab, dim, slot, 1, one);
        top.offer(ids[slot], one[0], slot);
      }
    }
  }

  private void scanBatch(
      float[][] queries, BitSet allowed, SearchFilter filter, TopKCollector[] tops) {
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
  private void scoreSlots(
      float[][] queries, BitSet allowed, SearchFilter filter, TopKCollector[] tops) {
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

  private void consider(
      int slot, float score, BitSet allowed, SearchFilter filter, TopKCollector top) {
    if (passes(slot, allowed, filter)) {
      top.offer(ids[slot], score, slot);
    }
  }

  /** A live slot inside the tag set (null: no tag condition) matching target and source. */
  private boolean passes(int slot, BitSet allowed, SearchFilter filter) {
    return ids[slot] != null
        && (allowed == null || allowed.get(slot))
        && filter.target().accepts(modality(slot))
        && (filter.source() == null || filter.source().equals(sources[slot]));
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
    tags.grow(capacity);
    if (int8 != null) {
      int8.grow(capacity);
    }
  }
}
