package io.crossmodal.search.internal.query;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.query.Fusion;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.processor.ShardProcessor;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.lexical.Analysis;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * This instance's part of a direct search: scans its running shards side by side on a pool (one
 * core each; a shard scan is memory-bound, so more threads than cores gain nothing), merges their
 * local best lists into the instance's exact best list per signal (vector, lexical; each {@link
 * Fusion#window} long), and only then reads the stored metadata of those items (not per shard).
 * Thread safe.
 */
public final class InstanceSearch {
  private final LocalShards shards;
  private final ExecutorService pool;
  private final int threads;
  private final BiFunction<Integer, String, byte[]> stored;
  private final SearchMetrics metrics;
  private final int qualityEvery;
  private final AtomicLong searches = new AtomicLong();

  /**
   * @param threads threads scanning one search's shards, the caller's included; {@code pool} has at
   *     least {@code threads - 1}
   * @param stored the stored embedding record of (partition, id), or null
   * @param qualityEvery every n-th search also checks one of its shards against the reference scan,
   *     after answering (0 = never)
   */
  public InstanceSearch(
      LocalShards shards,
      ExecutorService pool,
      int threads,
      BiFunction<Integer, String, byte[]> stored,
      SearchMetrics metrics,
      int qualityEvery) {
    this.shards = shards;
    this.pool = pool;
    this.threads = threads;
    this.stored = stored;
    this.metrics = metrics;
    this.qualityEvery = qualityEvery;
  }

  private record ShardResult(LiveShard shard, LiveShard.Answer answer) {}

  /** A vector query that waits for nothing. */
  public PartialAnswer search(
      float[] vector, int k, SearchFilter filter, Collection<Integer> partitions) {
    return search(vector, null, SearchMode.VECTOR, k, filter, partitions, List.of(), 0);
  }

  /**
   * @param text the query's words when {@code mode} uses them
   * @param partitions the shards wanted; those not running here are left out of the answer
   * @param after positions to wait for: each shard here answers only once it has applied those of
   *     its partition
   * @param deadlineNanos until when to wait for them ({@link System#nanoTime}); then {@link
   *     NotYetSearchable}
   */
  public PartialAnswer search(
      float[] vector,
      String text,
      SearchMode mode,
      int k,
      SearchFilter filter,
      Collection<Integer> partitions,
      List<Position> after,
      long deadlineNanos) {
    Lean lean = searchLean(vector, text, mode, k, filter, partitions, after, deadlineNanos);
    PartialAnswer a = lean.answer();
    return new PartialAnswer(
        withMetadata(a.hits(), lean),
        a.partitions(),
        a.searchMillis(),
        a.lexicalHits() == null ? null : withMetadata(a.lexicalHits(), lean));
  }

  /**
   * This instance's lists without the items' metadata (null), and the shard of each listed item:
   * the caller fuses first and reads the metadata of the k it keeps ({@link #withMetadata}), not of
   * both whole windows.
   */
  public record Lean(PartialAnswer answer, Map<String, Integer> partitionOf) {}

  /**
   * Same as {@link #search(float[], String, SearchMode, int, SearchFilter, Collection, List,
   * long)}, without metadata.
   */
  public Lean searchLean(
      float[] vector,
      String text,
      SearchMode mode,
      int k,
      SearchFilter filter,
      Collection<Integer> partitions,
      List<Position> after,
      long deadlineNanos) {
    List<LiveShard> targets = new ArrayList<>();
    for (int p : partitions) {
      LiveShard shard = shards.get(p);
      if (shard != null) {
        targets.add(shard);
      }
    }
    if (targets.isEmpty()) {
      return new Lean(PartialAnswer.NONE, Map.of());
    }
    awaitPositions(targets, after, deadlineNanos);
    int window = Fusion.window(mode, k);
    List<String> terms = mode.usesWords() ? Analysis.queryTerms(text) : List.of();
    ShardResult[] results = new ShardResult[targets.size()];
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
            results[i] =
                scan(targets.get(i), mode.usesVectors() ? vector : null, terms, window, filter);
          }
        };
    // The calling thread plus (threads - 1) pool tasks take shards from one counter: as many
    // scanning threads as cores, never more (extra threads only time-slice the memory bus).
    List<CompletableFuture<Void>> helpers = new ArrayList<>();
    for (int h = 1; h < Math.min(threads, results.length); h++) {
      helpers.add(CompletableFuture.runAsync(worker, pool));
    }
    worker.run();
    helpers.forEach(CompletableFuture::join);

    // Lean hits (no metadata yet) ranked by the one order of hits (Fusion.BEST_FIRST); each one's
    // shard noted for its metadata.
    List<Hit> byVector = new ArrayList<>();
    List<Hit> byWords = new ArrayList<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    List<Integer> answered = new ArrayList<>();
    long slowest = 0;
    for (ShardResult r : results) {
      r.answer().byVector().forEach(m -> byVector.add(lean(m, r.shard().partition(), partitionOf)));
      r.answer().byWords().forEach(m -> byWords.add(lean(m, r.shard().partition(), partitionOf)));
      answered.add(r.shard().partition());
      slowest = Math.max(slowest, r.answer().nanos());
    }
    if (mode.usesVectors()) {
      sampleQuality(List.of(results), vector, window, filter);
    }
    return new Lean(
        new PartialAnswer(
            Fusion.best(byVector, window),
            answered.stream().sorted().toList(),
            slowest / 1e6,
            mode.usesWords() ? Fusion.best(byWords, window) : null),
        partitionOf);
  }

  private static Hit lean(Match m, int partition, Map<String, Integer> partitionOf) {
    partitionOf.put(m.id(), partition);
    return new Hit(m.id(), m.modality().wireName(), m.score(), null);
  }

  /**
   * {@code hits} (from {@code lean}, or from peers with their metadata) with every local item's
   * stored metadata.
   */
  public List<Hit> withMetadata(List<Hit> hits, Lean lean) {
    List<Hit> out = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      Integer partition = h.metadata() == null ? lean.partitionOf().get(h.id()) : null;
      out.add(
          partition == null
              ? h
              : ShardProcessor.hit(
                      h.id(),
                      Modality.parse(h.modality()),
                      h.score(),
                      stored.apply(partition, h.id()))
                  .withSignals(h.score(), h.signals()));
    }
    return out;
  }

  private static void awaitPositions(
      List<LiveShard> targets, List<Position> after, long deadlineNanos) {
    if (after.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    for (LiveShard shard : targets) {
      List<Position> mine = after.stream().filter(p -> p.partition() == shard.partition()).toList();
      try {
        var missing = mine.isEmpty() ? null : shard.await(mine, deadlineNanos);
        if (missing != null) {
          throw new NotYetSearchable(
              ShardProcessor.lag(
                  shard.partition(),
                  missing,
                  shard.watermark(missing.partitionKey()),
                  (System.nanoTime() - started) / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NotYetSearchable("interrupted while waiting for shard " + shard.partition());
      }
    }
  }

  /**
   * @param vector null when the query is by words alone
   */
  private ShardResult scan(
      LiveShard shard, float[] vector, List<String> terms, int n, SearchFilter filter) {
    LiveShard.Answer answer = shard.answer(vector, terms, n, filter);
    metrics.shardSearched(answer.nanos());
    return new ShardResult(shard, answer);
  }

  /**
   * Every n-th search checks one of its shards (in turn) against the reference scan, on the pool.
   */
  private void sampleQuality(
      List<ShardResult> results, float[] vector, int k, SearchFilter filter) {
    long n = searches.incrementAndGet();
    if (qualityEvery <= 0 || n % qualityEvery != 0) {
      return;
    }
    ShardResult r = results.get((int) (n / qualityEvery % results.size()));
    pool.execute(
        () -> metrics.qualityChecked(r.shard().recallOf(r.answer().byVector(), vector, k, filter)));
  }
}
