package io.crossmodal.search.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.TagFilter;
import io.crossmodal.common.event.Target;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class LexicalIndexTest {
  private static final String[] WORDS = {
    "red", "dog", "dogs", "car", "blue", "bus", "apple", "guitar", "the", "a", "running", "sail",
    "boat", "green", "tree", "house"
  };

  private record Item(
      String id, Modality modality, String source, List<String> tags, String text) {}

  private static Item randomItem(Random r, int n) {
    StringBuilder text = new StringBuilder();
    for (int w = 0, len = 1 + r.nextInt(8); w < len; w++) {
      text.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
    }
    return new Item(
        "id-" + n,
        r.nextBoolean() ? Modality.IMAGE : Modality.TEXT,
        r.nextBoolean() ? "s1" : "s2",
        r.nextBoolean() ? List.of("animal") : List.of("thing", "animal"),
        text.toString());
  }

  /** The global statistics of a set of shards, as the statistics topic would carry them. */
  private static CorpusStats corpusOf(List<LexicalIndex> shards) {
    CorpusStats c = new CorpusStats();
    for (int p = 0; p < shards.size(); p++) {
      c.withShard(p, shards.get(p).termCounts(), shards.get(p).collection());
    }
    return c;
  }

  private static List<String> ids(List<Match> matches) {
    return matches.stream().map(Match::id).toList();
  }

  @Test
  void shouldFindStemmedWordsRankedByBm25WithTiesById() {
    LexicalIndex index = new LexicalIndex();
    index.upsert("a", Modality.IMAGE, "s", List.of(), "Dogs running");
    index.upsert("b", Modality.IMAGE, "s", List.of(), "a red car and a dog and a dog");
    index.upsert("c", Modality.TEXT, "s", List.of(), "a blue bus");
    index.upsert("d", Modality.IMAGE, "s", List.of(), "");
    CorpusStats corpus = corpusOf(List.of(index));
    List<Match> found = index.search(Analysis.queryTerms("dog"), 10, SearchFilter.ANY, corpus);
    assertEquals(Set2.of("a", "b"), Set2.of(ids(found)));
    assertTrue(found.get(0).score() > 0);
    assertEquals(
        List.of("c"), ids(index.search(Analysis.queryTerms("BUS"), 10, SearchFilter.ANY, corpus)));
    assertEquals(
        List.of(),
        index.search(Analysis.queryTerms("the"), 10, SearchFilter.ANY, corpus),
        "stop words match nothing");
    assertEquals(3, index.size(), "an item without words is not indexed");
  }

  @Test
  void shouldApplyTheSameFiltersAsTheVectorScan() {
    LexicalIndex index = new LexicalIndex();
    Random r = new Random(3);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Item it = randomItem(r, i);
      items.add(it);
      index.upsert(it.id(), it.modality(), it.source(), it.tags(), it.text());
    }
    CorpusStats corpus = corpusOf(List.of(index));
    for (SearchFilter f :
        List.of(
            new SearchFilter(Target.IMAGE, null, null),
            new SearchFilter(Target.ANY, "s1", null),
            new SearchFilter(Target.TEXT, "s2", new TagFilter(List.of("thing"), null)),
            new SearchFilter(
                Target.ANY, null, new TagFilter(List.of("animal"), List.of("thing", "nothing"))))) {
      List<Match> found = index.search(Analysis.queryTerms("red dog"), 1000, f, corpus);
      long expected =
          items.stream()
              .filter(it -> f.accepts(it.modality(), it.source(), it.tags()))
              .filter(
                  it ->
                      Analysis.count(it.text()).counts().keySet().stream()
                          .anyMatch(t -> t.equals("red") || t.equals("dog")))
              .count();
      assertEquals(expected, found.size(), f.toString());
      Map<String, Item> byId = new LinkedHashMap<>();
      items.forEach(it -> byId.put(it.id(), it));
      found.forEach(
          m ->
              assertTrue(
                  f.accepts(
                      byId.get(m.id()).modality(),
                      byId.get(m.id()).source(),
                      byId.get(m.id()).tags())));
    }
  }

  /**
   * Built record by record with updates and deletes, or built at once from what is left: the same
   * counts and the same answers.
   */
  @Test
  void shouldEqualAFreshBuildAfterUpdatesAndDeletes() {
    Random r = new Random(7);
    LexicalIndex incremental = new LexicalIndex();
    Map<String, Item> live = new LinkedHashMap<>();
    for (int step = 0; step < 2000; step++) {
      int n = r.nextInt(400);
      if (r.nextInt(4) == 0) {
        incremental.delete("id-" + n);
        live.remove("id-" + n);
      } else {
        Item it = randomItem(r, n);
        incremental.upsert(it.id(), it.modality(), it.source(), it.tags(), it.text());
        live.put(it.id(), it);
      }
    }
    LexicalIndex fresh = new LexicalIndex();
    live.values()
        .forEach(it -> fresh.upsert(it.id(), it.modality(), it.source(), it.tags(), it.text()));
    assertEquals(fresh.termCounts(), incremental.termCounts());
    assertEquals(fresh.collection(), incremental.collection());
    CorpusStats corpus = corpusOf(List.of(fresh));
    for (String q :
        List.of("red", "dog boat", "green tree house", "a running bus", "apple guitar sail")) {
      assertEquals(
          fresh.search(Analysis.queryTerms(q), 50, SearchFilter.ANY, corpus),
          incremental.search(Analysis.queryTerms(q), 50, SearchFilter.ANY, corpus),
          q);
    }
  }

  @Test
  void shouldLeaveNoGhostOfADeletedOrReplacedItem() {
    LexicalIndex index = new LexicalIndex();
    index.upsert("x", Modality.IMAGE, "s", List.of(), "zebra crossing");
    index.upsert("y", Modality.IMAGE, "s", List.of(), "a zebra");
    index.delete("x");
    index.upsert("y", Modality.IMAGE, "s", List.of(), "a horse");
    CorpusStats corpus = corpusOf(List.of(index));
    assertEquals(
        List.of(),
        index.search(Analysis.queryTerms("zebra crossing"), 10, SearchFilter.ANY, corpus));
    assertEquals(Map.of("hors", 1L), index.termCounts());
    assertEquals(new CorpusStats.Collection(1, 1, 1), index.collection());
    LexicalIndex.Counts changes = index.drainChanges();
    assertEquals(
        Map.of("zebra", 0L, "cross", 0L, "hors", 1L),
        changes.terms(),
        "gone terms are published as 0 (tombstones)");
    assertTrue(index.drainChanges().isEmpty());
  }

  /**
   * An item's score depends on the whole index's statistics only, not on which items share its
   * shard.
   */
  @Test
  void shouldScoreAnItemTheSameInAnyShardLayout() {
    Random r = new Random(11);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      items.add(randomItem(r, i));
    }
    LexicalIndex whole = new LexicalIndex();
    List<LexicalIndex> six = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      six.add(new LexicalIndex());
    }
    for (Item it : items) {
      whole.upsert(it.id(), it.modality(), it.source(), it.tags(), it.text());
      six.get(Math.floorMod(it.id().hashCode(), 6))
          .upsert(it.id(), it.modality(), it.source(), it.tags(), it.text());
    }
    CorpusStats one = corpusOf(List.of(whole));
    CorpusStats split = corpusOf(six);
    assertEquals(one.collection(), split.collection());
    for (String q : List.of("red dog", "blue bus boat", "house")) {
      List<Match> expected = whole.search(Analysis.queryTerms(q), 40, SearchFilter.ANY, one);
      List<Match> merged = new ArrayList<>();
      six.forEach(
          s -> merged.addAll(s.search(Analysis.queryTerms(q), 40, SearchFilter.ANY, split)));
      merged.sort(Comparator.comparingDouble((Match m) -> -m.score()).thenComparing(Match::id));
      assertEquals(expected, merged.subList(0, expected.size()), q);
    }
  }

  /** Set equality helper with readable failures. */
  private static final class Set2 {
    static Set<String> of(String... s) {
      return new TreeSet<>(List.of(s));
    }

    static Set<String> of(List<String> s) {
      return new TreeSet<>(s);
    }
  }
}
