package io.crossmodal.search.internal.shard;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.query.Ranked;
import io.crossmodal.common.query.TopKCollector;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import io.crossmodal.search.store.VectorIndex;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One shard's {@link VectorIndex} and {@link LexicalIndex} shared between its stream thread, which
 * writes it, and the HTTP search threads, which scan it while the stream thread goes on
 * (interactive queries). A read-write lock: scans of one shard run side by side; an upsert or
 * delete waits for the scans in progress (at most one scan long) and is a few microseconds itself.
 * Thread safe.
 */
public final class LiveShard {
  private final int partition;
  private final VectorIndex index;
  private final LexicalIndex words;
  private final CorpusStats corpus;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /**
   * Per media "topic:partition": the highest offset whose record this shard has applied
   * (read-your-writes).
   */
  private final Map<String, Long> watermarks = new ConcurrentHashMap<>();

  private final Object advanced = new Object();

  /**
   * @param corpus the whole index's term statistics, which the lexical scores use
   */
  public LiveShard(int partition, VectorIndex index, LexicalIndex words, CorpusStats corpus) {
    this.partition = partition;
    this.index = index;
    this.words = words;
    this.corpus = corpus;
  }

  /** A shard without words (vector-only tests and benchmarks). */
  public LiveShard(int partition, VectorIndex index) {
    this(partition, index, new LexicalIndex(), new CorpusStats());
  }

  public int partition() {
    return partition;
  }

  /**
   * @param text the item's words ({@code ItemText}), "" for none
   */
  public void upsert(
      String id, Modality modality, String source, List<String> tags, float[] vector, String text) {
    write(
        () -> {
          index.upsert(id, modality, source, tags, vector);
          words.upsert(id, modality, source, tags, text);
        });
  }

  public void delete(String id) {
    write(
        () -> {
          index.delete(id);
          words.delete(id);
        });
  }

  /**
   * The best {@code n} items by BM25 for the analysed query {@code terms}, best first, ties by id.
   */
  public List<Match> lexicalMatches(List<String> terms, int n, SearchFilter filter) {
    return read(() -> words.search(terms, n, filter, corpus));
  }

  /** The lexical statistics changed since the last call (see {@link LexicalIndex#drainChanges}). */
  public LexicalIndex.Counts drainLexicalChanges() {
    lock.writeLock().lock();
    try {
      return words.drainChanges();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** All of this shard's term counts and its collection counts, for a full publication. */
  public LexicalIndex.Counts lexicalCounts() {
    return read(words::counts);
  }

  /** Items with words, and the bytes of their index. */
  public int lexicalSize() {
    return read(words::size);
  }

  public long lexicalBytes() {
    return read(words::bytes);
  }

  /**
   * This shard has applied the media record at {@code p} (after indexing it): wakes the queries
   * waiting for it.
   */
  public void advance(Position p) {
    watermarks.merge(p.partitionKey(), p.offset(), Math::max);
    synchronized (advanced) {
      advanced.notifyAll();
    }
  }

  /** The highest applied offset of media "topic:partition", or -1. */
  public long watermark(String partitionKey) {
    return watermarks.getOrDefault(partitionKey, -1L);
  }

  public Map<String, Long> watermarks() {
    return Map.copyOf(watermarks);
  }

  /** The first of {@code positions} this shard has not applied yet, or null. */
  public Position pending(List<Position> positions) {
    for (var p : positions) {
      if (watermark(p.partitionKey()) < p.offset()) {
        return p;
      }
    }
    return null;
  }

  /**
   * Waits until this shard has applied every position, or the deadline; the first still missing, or
   * null.
   */
  public Position await(List<Position> positions, long deadlineNanos) throws InterruptedException {
    synchronized (advanced) {
      for (var missing = pending(positions); ; missing = pending(positions)) {
        long left = deadlineNanos - System.nanoTime();
        if (missing == null || left <= 0) {
          return missing;
        }
        advanced.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** After a rebuild: the lexical index's segments are written now, not by the first query. */
  public void refreshWords() {
    write(words::refresh);
  }

  /** Frees the lexical index (the vectors are plain heap). */
  public void close() {
    write(words::close);
  }

  /** Exact local top-k, best first, ties by id, with each match's modality. */
  public List<Match> matches(float[] query, int k, SearchFilter filter) {
    return read(
        () -> {
          List<TopKCollector.Scored> found = index.search(query, k, filter);
          List<Match> out = new ArrayList<>(found.size());
          for (TopKCollector.Scored s : found) {
            out.add(new Match(s.id(), s.score(), index.modality(s.slot())));
          }
          return out;
        });
  }

  /**
   * A shard's answer to a query, the same on both routes: its best {@code window} by vector and by
   * words, and how long the two scans took.
   */
  public record Answer(List<Match> byVector, List<Match> byWords, long nanos) {}

  /**
   * @param vector null when the query is by words alone
   * @param terms the query's analysed words ({@code Analysis.queryTerms}); empty when its mode uses
   *     none
   */
  public Answer answer(float[] vector, List<String> terms, int window, SearchFilter filter) {
    long start = System.nanoTime();
    List<Match> byVector = vector == null ? List.of() : matches(vector, window, filter);
    List<Match> byWords = terms.isEmpty() ? List.of() : lexicalMatches(terms, window, filter);
    return new Answer(byVector, byWords, System.nanoTime() - start);
  }

  /** A copy of {@code id}'s vector, or null. */
  public float[] vector(String id) {
    return read(() -> index.vector(id));
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
  public double recallOf(List<? extends Ranked> served, float[] query, int k, SearchFilter filter) {
    List<TopKCollector.Scored> reference = read(() -> index.searchReference(query, k, filter));
    if (reference.isEmpty()) {
      return Double.NaN;
    }
    float kth = reference.get(reference.size() - 1).score();
    Set<String> want = new HashSet<>();
    reference.forEach(s -> want.add(s.id()));
    long hit =
        served.stream()
            .filter(s -> want.contains(s.id()) || Math.abs(s.score() - kth) <= 1e-5f)
            .count();
    return Math.min(1.0, (double) hit / reference.size());
  }
}
