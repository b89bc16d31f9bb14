package io.crossmodal.model.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.NounKinds;
import io.crossmodal.model.data.Nouns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queries people type, judged over a split's images: the split's most frequent concept words
 * (one word, as "dog" or "car") and word pairs that occur together ("red apple"), each a text→image
 * query whose relevant images are those with the words among their captions' words. Reported per
 * scorer: top-5 hit rate (a relevant image among the first five) and precision@5.
 *
 * <p>Queries come from what names an item, its title and keyword phrases, not from its descriptions
 * (sentences, whose frequent words are "often", "where", "based"); a one-word query is a {@link
 * Nouns noun}, so that authors' names and mail domains in titles ("rollandin", "gmail") are not
 * taken for concepts, and a pair is two adjacent words of one title or phrase ending in a noun.
 * Words are lower-cased, letters only, at least three letters, without English function words; a
 * query must have at least {@link #MIN_IMAGES} images so that a hit is not one lucky image.
 * Relevance counts every caption, descriptions included. Deterministic: ties in frequency are
 * broken alphabetically.
 */
public final class ConceptBenchmark {
  /** Fewest images a concept must have. */
  public static final int MIN_IMAGES = 3;

  /** One query: its text, and whether it is a single word (the bar is on those). */
  public record Query(String text, boolean oneWord) {}

  /** Hit rate and precision@5 over one kind of query. */
  public record Score(int queries, double hitRate, double precision) {}

  private ConceptBenchmark() {}

  private static Set<String> wordsOf(Item item) {
    Set<String> all = new HashSet<>();
    item.captions().forEach(c -> all.addAll(CaptionText.words(c)));
    return all;
  }

  /**
   * Up to {@code maxWords} one-word queries (nouns) and {@code maxPairs} two-word queries (adjacent
   * words of one title or keyword phrase, the second a noun), the most frequent first.
   */
  public static List<Query> queries(List<Item> images, int maxWords, int maxPairs, Nouns nouns) {
    Map<String, Integer> wordImages = new HashMap<>();
    Map<String, Integer> pairImages = new HashMap<>();
    for (Item item : images) {
      Set<String> words = new HashSet<>();
      Set<String> pairs = new HashSet<>();
      for (String name : CaptionText.names(item.captions())) {
        List<String> w = CaptionText.words(name);
        w.stream().filter(nouns::contains).forEach(words::add);
        for (int i = 0; i + 1 < w.size(); i++) {
          if (!w.get(i).equals(w.get(i + 1)) && nouns.contains(w.get(i + 1))) {
            pairs.add(w.get(i) + " " + w.get(i + 1));
          }
        }
      }
      words.forEach(w -> wordImages.merge(w, 1, Integer::sum));
      pairs.forEach(p -> pairImages.merge(p, 1, Integer::sum));
    }
    List<Query> out = new ArrayList<>();
    frequent(wordImages, maxWords).forEach(w -> out.add(new Query(w, true)));
    frequent(pairImages, maxPairs).forEach(p -> out.add(new Query(p, false)));
    return out;
  }

  private static List<String> frequent(Map<String, Integer> counts, int max) {
    return counts.entrySet().stream()
        .filter(e -> e.getValue() >= MIN_IMAGES)
        .sorted(
            Map.Entry.<String, Integer>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(max)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Whether {@code item} is relevant to {@code query}: every query word among its captions' words.
   */
  public static boolean relevant(Item item, Query query) {
    return wordsOf(item).containsAll(Arrays.asList(query.text().split(" ")));
  }

  /**
   * The five best images of every query of {@code set} (built by {@link RetrievalSet#ofQueries})
   * under {@code scorer}: scored once, then read by both {@link #run} and {@link #misses}.
   */
  public static List<List<Integer>> topFive(PairScorer scorer, RetrievalSet set) {
    float[][] scores = Evaluation.transpose(scorer.score(set)); // [query][image]
    List<List<Integer>> out = new ArrayList<>(scores.length);
    for (float[] row : scores) {
      out.add(top(row, 5));
    }
    return out;
  }

  /**
   * Relevance by meaning: the images of {@code images} (in order) relevant to each query when an
   * image also counts for the kinds its caption nouns name ({@link NounKinds}: a "seagull" answers
   * "bird", a "bus" answers "vehicle"), a query word also matching as its lemma ("flags"). Strict
   * relevance ({@link #relevant}) is a subset: every image it counts, this counts.
   */
  public static List<Set<Integer>> relevantByMeaning(
      List<Item> images, List<Query> queries, NounKinds kinds) {
    List<Set<Integer>> out = new ArrayList<>();
    queries.forEach(q -> out.add(new HashSet<>()));
    for (int i = 0; i < images.size(); i++) {
      Set<String> meanings = new HashSet<>();
      for (String word : wordsOf(images.get(i))) {
        meanings.add(word);
        meanings.addAll(kinds.kindsOf(word));
      }
      for (int q = 0; q < queries.size(); q++) {
        boolean all = true;
        for (String word : queries.get(q).text().split(" ")) {
          all &= meanings.contains(word) || meanings.contains(kinds.lemma(word));
        }
        if (all) {
          out.get(q).add(i);
        }
      }
    }
    return out;
  }

  /**
   * One-word and two-word figures of the rankings {@code top} (from {@link #topFive}) of a set's
   * queries, each query's relevant images in {@code relevant} (the set's {@code imagesOfCaption()},
   * or {@link #relevantByMeaning}).
   */
  public static ObjectNode run(
      List<List<Integer>> top, List<Set<Integer>> relevantImages, List<Query> queries) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    for (boolean oneWord : new boolean[] {true, false}) {
      int count = 0;
      double hits = 0;
      double precision = 0;
      for (int q = 0; q < queries.size(); q++) {
        if (queries.get(q).oneWord() != oneWord) {
          continue;
        }
        Set<Integer> relevant = relevantImages.get(q);
        int found = 0;
        for (int image : top.get(q)) {
          found += relevant.contains(image) ? 1 : 0;
        }
        count++;
        hits += found > 0 ? 1 : 0;
        precision += found / 5.0;
      }
      String kind = oneWord ? "one_word" : "two_words";
      n.put(kind + "_queries", count);
      n.put(kind + "_hit5", count == 0 ? 0 : hits / count);
      n.put(kind + "_precision5", count == 0 ? 0 : precision / count);
    }
    return n;
  }

  /**
   * A one-word query the scorer missed: how many images it had, and the first caption of each of
   * its top five.
   */
  public record Miss(String query, int relevant, List<String> found) {}

  /**
   * The one-word queries with no relevant image ({@code relevantImages}, as for {@link #run}) in
   * their five best {@code top} of {@code set}, in query order: what a user would see fail.
   */
  public static List<Miss> misses(
      List<List<Integer>> top,
      List<Set<Integer>> relevantImages,
      RetrievalSet set,
      List<Query> queries) {
    List<Miss> out = new ArrayList<>();
    for (int q = 0; q < queries.size(); q++) {
      Set<Integer> relevant = relevantImages.get(q);
      List<Integer> found = top.get(q);
      if (queries.get(q).oneWord() && found.stream().noneMatch(relevant::contains)) {
        out.add(
            new Miss(
                queries.get(q).text(),
                relevant.size(),
                found.stream().map(i -> set.images().get(i).captions().get(0)).toList()));
      }
    }
    return out;
  }

  /**
   * Indices of the {@code k} highest scores, ties against the query (the lower index wins nothing).
   */
  private static List<Integer> top(float[] scores, int k) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        Comparator.<Integer>comparingDouble(i -> -scores[i])
            .thenComparing(Comparator.reverseOrder()));
    return Arrays.asList(idx).subList(0, Math.min(k, idx.length));
  }
}
