package io.crossmodal.model.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Recall@K and median rank for cross-modal retrieval, the protocol of Flickr30k/COCO papers: one
 * query per image (gallery: all distinct captions) and one query per distinct caption (gallery: all
 * images). A query is correct at K if any relevant item ranks within the first K; relevance comes
 * from {@code relevant[q]}, so a caption shared verbatim by several images makes each of them
 * correct for it.
 */
final class RetrievalMetrics {
  private RetrievalMetrics() {}

  /** Ranking quality of one direction. */
  public record Recall(
      double r1, double r5, double r10, double medianRank, int queries, int gallery) {}

  /**
   * @param scores [queries][gallery] similarity, higher is better
   * @param relevant for each query, gallery indices that count as correct
   */
  public static Recall of(float[][] scores, List<Set<Integer>> relevant) {
    int queries = scores.length;
    int[] ranks = new int[queries];
    for (int q = 0; q < queries; q++) {
      ranks[q] = bestRank(scores[q], relevant.get(q));
    }
    return summarise(ranks, scores.length == 0 ? 0 : scores[0].length);
  }

  /** 1-based rank of the best relevant item; ties are counted against the query (pessimistic). */
  static int bestRank(float[] row, Set<Integer> relevant) {
    float best = Float.NEGATIVE_INFINITY;
    for (int r : relevant) {
      best = Math.max(best, row[r]);
    }
    int rank = 1;
    for (int g = 0; g < row.length; g++) {
      if (!relevant.contains(g) && row[g] >= best) {
        rank++;
      }
    }
    return rank;
  }

  static Recall summarise(int[] ranks, int gallery) {
    int n = ranks.length;
    int[] sorted = ranks.clone();
    Arrays.sort(sorted);
    double median =
        n == 0 ? 0 : (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0);
    return new Recall(
        fraction(ranks, 1), fraction(ranks, 5), fraction(ranks, 10), median, n, gallery);
  }

  private static double fraction(int[] ranks, int k) {
    if (ranks.length == 0) {
      return 0;
    }
    long hits = Arrays.stream(ranks).filter(r -> r <= k).count();
    return (double) hits / ranks.length;
  }
}
