package io.crossmodal.search.store;

import io.crossmodal.common.event.Modality;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One shard's {@link VectorIndex} shared between its stream thread, which writes it, and the HTTP
 * search threads, which scan it while the stream thread goes on (interactive queries). A
 * read-write lock: scans of one shard run side by side; an upsert or delete waits for the scans in
 * progress (at most one scan long) and is a few microseconds itself. Thread safe.
 */
public final class LiveShard {
  private final int partition;
  private final VectorIndex index;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  public LiveShard(int partition, VectorIndex index) {
    this.partition = partition;
    this.index = index;
  }

  public int partition() {
    return partition;
  }

  public void upsert(String id, Modality modality, String source, List<String> tags, float[] vector) {
    write(() -> index.upsert(id, modality, source, tags, vector));
  }

  public void delete(String id) {
    write(() -> index.delete(id));
  }

  /** A match with its modality, read under the same lock as the scan (a slot may be reused after it). */
  public record Match(String id, float score, Modality modality) {}

  /** Exact local top-k, best first, ties by id, with each match's modality. */
  public List<Match> matches(float[] query, int k, SearchFilter filter) {
    return read(() -> {
      List<TopKCollector.Scored> found = index.search(query, k, filter);
      List<Match> out = new java.util.ArrayList<>(found.size());
      for (TopKCollector.Scored s : found) {
        out.add(new Match(s.id(), s.score(), index.modality(s.slot())));
      }
      return out;
    });
  }

  public List<TopKCollector.Scored> search(float[] query, int k, SearchFilter filter) {
    return read(() -> index.search(query, k, filter));
  }

  /** A copy of {@code id}'s vector, or null. */
  public float[] vector(String id) {
    return read(() -> index.vector(id));
  }

  public Modality modality(int slot) {
    return read(() -> index.modality(slot));
  }

  public int size() {
    return read(index::size);
  }

  public long vectorBytes() {
    return read(index::vectorBytes);
  }

  private <T> T read(Supplier<T> action) {
    lock.readLock().lock();
    try {
      return action.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private void write(Runnable action) {
    lock.writeLock().lock();
    try {
      action.run();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Online quality: recall@k of a served answer against the reference scan ({@link
   * VectorIndex#searchReference}). ≈ 1.0 while the index is exact; the signal that matters once an
   * approximate index or a new kernel ships. Ties at the k-th score count as hits (either id is a
   * correct answer). NaN when the reference finds nothing.
   */
  public double recallOf(List<TopKCollector.Scored> served, float[] query, int k, SearchFilter filter) {
    List<TopKCollector.Scored> reference = read(() -> index.searchReference(query, k, filter));
    if (reference.isEmpty()) {
      return Double.NaN;
    }
    float kth = reference.get(reference.size() - 1).score();
    Set<String> want = new HashSet<>();
    reference.forEach(s -> want.add(s.id()));
    long hit = served.stream().filter(s -> want.contains(s.id()) || Math.abs(s.score() - kth) <= 1e-5f).count();
    return Math.min(1.0, (double) hit / reference.size());
  }
}
