package io.crossmodal.common.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the shards' ranked lists become one answer, for every route (the Kafka Streams merge step,
 * the topic route's HTTP waiter, the direct route and its peers), so all give the same ranking.
 *
 * <p>Each signal is ranked globally first: every shard returns its best {@link #window} items per
 * signal, which contains every one of its items that can be in the global best {@code window}, and
 * scores compare across shards (cosine; BM25 with the whole index's statistics). {@code hybrid}
 * then fuses the two global lists by reciprocal rank, {@code score = Σ 1 / (RRF_K + rank)} over the
 * lists an item is in (rank from 1): rank-based, so the cosine and BM25 scales need no calibration
 * against each other, and the answer is the same for any number of shards and instances.
 */
public final class Fusion {
  /**
   * The usual reciprocal-rank constant (Cormack et al. 2009): damps the weight of the very first
   * ranks.
   */
  public static final int RRF_K = 60;

  /**
   * How deep each signal's list is for {@code hybrid}: an item ranked here by one signal can still
   * win by the other.
   */
  public static final int HYBRID_WINDOW = 50;

  public static final String VECTOR = "vector";
  public static final String LEXICAL = "lexical";

  /** Best first, ties by id: the one order of hits everywhere ({@link Ranked#bestFirst}). */
  public static final Comparator<Hit> BEST_FIRST = Ranked.bestFirst();

  private Fusion() {}

  /** Length of each signal's list a shard answers with. */
  public static int window(SearchMode mode, int k) {
    return mode == SearchMode.HYBRID ? Math.max(k, HYBRID_WINDOW) : k;
  }

  /** The best {@code n} of {@code hits} (sorted in place), best first, ties by id. */
  public static List<Hit> best(List<Hit> hits, int n) {
    hits.sort(BEST_FIRST);
    return new ArrayList<>(hits.subList(0, Math.min(n, hits.size())));
  }

  /**
   * The answer from the union of the shards' lists (sorted in place): the best {@code k}, each hit
   * saying which signals found it.
   */
  public static List<Hit> rank(
      SearchMode mode, int k, List<Hit> vectorHits, List<Hit> lexicalHits) {
    return switch (mode) {
      case VECTOR -> labelled(best(vectorHits, k), VECTOR);
      case LEXICAL -> labelled(best(lexicalHits, k), LEXICAL);
      case HYBRID ->
          fused(best(vectorHits, window(mode, k)), best(lexicalHits, window(mode, k)), k);
    };
  }

  private static List<Hit> labelled(List<Hit> hits, String signal) {
    hits.replaceAll(h -> h.withSignals(h.score(), Map.of(signal, h.score())));
    return hits;
  }

  private static List<Hit> fused(List<Hit> vector, List<Hit> lexical, int k) {
    Map<String, Hit> first = new LinkedHashMap<>();
    Map<String, Double> score = new LinkedHashMap<>();
    Map<String, Map<String, Float>> signals = new LinkedHashMap<>();
    for (var list : List.of(Map.entry(VECTOR, vector), Map.entry(LEXICAL, lexical))) {
      for (int i = 0; i < list.getValue().size(); i++) {
        Hit h = list.getValue().get(i);
        first.putIfAbsent(h.id(), h);
        score.merge(h.id(), 1.0 / (RRF_K + i + 1), Double::sum);
        signals.computeIfAbsent(h.id(), id -> new LinkedHashMap<>()).put(list.getKey(), h.score());
      }
    }
    List<Hit> out = new ArrayList<>(first.size());
    first.forEach(
        (id, h) -> out.add(h.withSignals((float) (double) score.get(id), signals.get(id))));
    return best(out, k);
  }
}
