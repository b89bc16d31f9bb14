package io.crossmodal.common.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Keeps the best {@code k} (score, id) pairs seen: a bounded min-heap whose root is the worst kept
 * entry. Order is score descending, then id ascending, so equal scores rank deterministically on
 * every shard and after every merge. Not thread safe.
 */
public final class TopKCollector {
  /** One kept entry; {@code slot} is the store's internal position (or -1 after a merge). */
  public record Scored(String id, float score, int slot) implements Ranked {}

  /** Best first: higher score, then smaller id; the order of every ranked list ({@link Ranked}). */
  public static final Comparator<Scored> BEST_FIRST = Ranked.bestFirst();

  private final int k;
  private final PriorityQueue<Scored> heap;

  /**
   * Score of the worst kept entry once k are kept, else -∞: a field so the hot check is one
   * compare.
   */
  private float floor = Float.NEGATIVE_INFINITY;

  public TopKCollector(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be ≥ 1, got " + k);
    }
    this.k = k;
    this.heap = new PriorityQueue<>(k + 1, BEST_FIRST.reversed());
  }

  /** Cheap pre-check for the hot loop: could this score enter the top k? */
  public boolean admits(float score) {
    return score >= floor;
  }

  public void offer(String id, float score, int slot) {
    Scored s = new Scored(id, score, slot);
    if (heap.size() < k) {
      heap.add(s);
    } else if (BEST_FIRST.compare(s, heap.peek()) < 0) {
      heap.poll();
      heap.add(s);
    }
    if (heap.size() == k) {
      floor = heap.peek().score();
    }
  }

  /** The kept entries, best first. */
  public List<Scored> result() {
    List<Scored> out = new ArrayList<>(heap);
    out.sort(BEST_FIRST);
    return out;
  }
}
