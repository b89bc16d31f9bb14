package io.crossmodal.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.MiniWordNet;
import io.crossmodal.model.data.NounKinds;
import io.crossmodal.model.data.Nouns;
import io.crossmodal.model.train.FeatureStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptBenchmarkTest {
  private static Item item(String id, String... captions) {
    return new Item(id, id + ".png", List.of(captions), "test", "PD", "test", "c");
  }

  private final List<Item> images =
      List.of(
          item("a", "Red apple: fruit, food"),
          item("b", "Green apple: fruit"),
          item("c", "Red car: vehicle"),
          item("d", "Red apple tree: fruit, plant"),
          item("e", "Dog: animal, pet"));

  private static final Nouns NOUNS =
      Nouns.of(
          List.of(
              "apple", "fruit", "red", "car", "vehicle", "tree", "plant", "dog", "animal", "pet",
              "flag", "country"));

  @Test
  void shouldTakeTheMostFrequentWordsAndPairsWithEnoughImagesWhenBuildingQueries() {
    List<ConceptBenchmark.Query> q = ConceptBenchmark.queries(images, 10, 10, NOUNS);
    // "red" and "fruit" and "apple" occur in 3 images each; "dog" in one (too few); "red apple" in
    // 2 (too few).
    assertEquals(
        List.of(
            new ConceptBenchmark.Query("apple", true),
            new ConceptBenchmark.Query("fruit", true),
            new ConceptBenchmark.Query("red", true)),
        q);
    assertTrue(
        ConceptBenchmark.relevant(images.get(3), new ConceptBenchmark.Query("red apple", false)));
    assertFalse(
        ConceptBenchmark.relevant(images.get(2), new ConceptBenchmark.Query("red apple", false)),
        "both words needed");
    assertEquals(
        List.of("red", "apple", "tree", "fruit", "plant"),
        CaptionText.words("Red apple tree: fruit, plant"));
  }

  @Test
  void shouldTakeQueriesFromTitlesAndKeywordsOnlyAndOnlyNounsAsWords() {
    List<Item> flags =
        List.of(
            item("f1", "Flag of Kenya by Rollandin: flag, country", "A flag often flown at sea"),
            item(
                "f2",
                "Flag of Peru by Rollandin: flag, country",
                "Flown where the wind is often strong"),
            item("f3", "Flag of Chad by Rollandin: flag, country", "Often seen at events"));
    List<ConceptBenchmark.Query> q = ConceptBenchmark.queries(flags, 10, 10, NOUNS);
    // "often" (descriptions only) and "rollandin" (a name, not a noun) are in all three images, yet
    // no query.
    assertEquals(
        List.of(
            new ConceptBenchmark.Query("country", true), new ConceptBenchmark.Query("flag", true)),
        q);
    assertTrue(
        ConceptBenchmark.relevant(flags.get(0), new ConceptBenchmark.Query("often", true)),
        "relevance still reads descriptions");
  }

  @Test
  void shouldCountRegularPluralsAsNouns() {
    Nouns nouns = Nouns.of(List.of("flag", "box", "berry"));
    assertTrue(
        nouns.contains("flags")
            && nouns.contains("boxes")
            && nouns.contains("berries")
            && nouns.contains("flag"));
    assertFalse(nouns.contains("often"));
  }

  @Test
  void shouldReadTheLemmasOfWordNetsIndexAndSkipItsLicenceHeader() throws IOException {
    var index = Files.createTempFile("index", ".noun");
    Files.writeString(
        index,
        "  1 This software and database is being provided\n  2 by Princeton\n"
            + "dog n 7 5 @ ~ #m #p %p + 7 3 02084071 10114209\nhot_dog n 2 2 @ ~ 2 0 07697537 10187990\n");
    Nouns nouns = Nouns.read(index);
    assertTrue(nouns.contains("dog") && nouns.contains("dogs"));
    assertFalse(nouns.contains("this") || nouns.contains("1") || nouns.contains("by"));
  }

  @Test
  void shouldCountAHitOnlyWhenARelevantImageIsInTheTopFive() {
    List<ConceptBenchmark.Query> queries =
        List.of(new ConceptBenchmark.Query("apple", true), new ConceptBenchmark.Query("dog", true));
    List<Item> many = new ArrayList<>(images);
    for (int i = 0; i < 6; i++) {
      many.add(item("x" + i, "Blank " + i));
    }
    RetrievalSet set =
        RetrievalSet.ofQueries(
            many,
            List.of("apple", "dog"),
            (it, q) -> ConceptBenchmark.relevant(it, queries.get(q)),
            store(many.stream().map(Item::id).toList()),
            store(List.of("apple", "dog")));
    // A scorer that ranks the blanks first for "apple" (no hit in the top 5) and the dog first for
    // "dog".
    PairScorer scorer =
        new PairScorer() {
          @Override
          public String name() {
            return "fake";
          }

          @Override
          public float[][] score(RetrievalSet s) {
            float[][] m = new float[s.images().size()][2];
            for (int i = 0; i < m.length; i++) {
              String id = s.images().get(i).id();
              m[i][0] = id.startsWith("x") ? 1 : 0;
              m[i][1] = id.equals("e") ? 1 : 0;
            }
            return m;
          }
        };
    List<List<Integer>> top = ConceptBenchmark.topFive(scorer, set);
    var r = ConceptBenchmark.run(top, set.imagesOfCaption(), queries);
    assertEquals(2, r.get("one_word_queries").asInt());
    assertEquals(0.5, r.get("one_word_hit5").asDouble(), 1e-9);
    assertEquals(
        0.1,
        r.get("one_word_precision5").asDouble(),
        1e-9,
        "the dog query: 1 of 5 relevant; apple: 0");
    List<ConceptBenchmark.Miss> misses =
        ConceptBenchmark.misses(top, set.imagesOfCaption(), set, queries);
    assertEquals(1, misses.size(), "only apple misses");
    assertEquals("apple", misses.get(0).query());
    assertEquals(3, misses.get(0).relevant());
    assertTrue(
        misses.get(0).found().stream().allMatch(c -> c.startsWith("Blank")),
        misses.get(0).found().toString());
  }

  private static FeatureStore store(List<String> keys) {
    try {
      var s = FeatureStore.open(Files.createTempDirectory("features").resolve("f.bin"), 2);
      keys.forEach(k -> s.put(k, new float[] {1, 0}));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void shouldReadTheSameNounsWhenReadingTheirKinds(@TempDir Path dir) throws Exception {
    Path index = MiniWordNet.write(dir);
    Nouns alone = Nouns.read(index);
    Nouns withKinds = NounKinds.read(index).nouns();
    for (String w :
        List.of("dog", "dogs", "domestic_dog", "mouse", "france", "entity", "often", "cat", "")) {
      assertEquals(alone.contains(w), withKinds.contains(w), w);
    }
    assertTrue(withKinds.contains("mice") == alone.contains("mice"));
    assertTrue(withKinds.contains("countries"));
  }

  @Test
  void shouldNameTheKindsOfANounsFirstSenseUpToTheTop(@TempDir Path dir) throws Exception {
    NounKinds kinds = NounKinds.read(MiniWordNet.write(dir));
    assertEquals(Set.of("dog", "domestic_dog", "animal", "entity"), kinds.kindsOf("dogs"));
    assertTrue(kinds.kindsOf("mouse").contains("animal"));
    assertFalse(
        kinds.kindsOf("mouse").contains("device"),
        "only the first sense: a mouse is a rodent here, not a device");
    assertEquals(Set.of("france", "country"), kinds.kindsOf("france"), "an instance's kind counts");
    assertEquals(Set.of(), kinds.kindsOf("often"));
    assertEquals("dog", kinds.lemma("dogs"));
  }

  @Test
  void shouldCountAnImageForTheKindsItsNounsNameWhenJudgingByMeaning(@TempDir Path dir)
      throws Exception {
    NounKinds kinds = NounKinds.read(MiniWordNet.write(dir));
    List<Item> pictures =
        List.of(
            item("d", "Dog: pet"),
            item("f", "Flag of France"),
            item("m", "Mouse"),
            item("a", "Animal"));
    List<ConceptBenchmark.Query> queries =
        List.of(
            new ConceptBenchmark.Query("animal", true),
            new ConceptBenchmark.Query("dogs", true),
            new ConceptBenchmark.Query("country", true),
            new ConceptBenchmark.Query("device", true),
            new ConceptBenchmark.Query("france flag", false));
    List<Set<Integer>> relevant = ConceptBenchmark.relevantByMeaning(pictures, queries, kinds);
    assertEquals(
        Set.of(0, 2, 3),
        relevant.get(0),
        "a dog and a mouse are animals, as is the image that says so");
    assertEquals(Set.of(0), relevant.get(1), "a plural query matches its lemma");
    assertEquals(Set.of(1), relevant.get(2), "France is a country");
    assertEquals(Set.of(), relevant.get(3), "the mouse's second sense does not count");
    assertEquals(Set.of(1), relevant.get(4), "every word of a pair must match");
    assertFalse(
        ConceptBenchmark.relevant(pictures.get(0), queries.get(0)),
        "strict relevance needs the word itself");
  }
}
