package io.crossmodal.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConceptBenchmarkTest {
  private static Item item(String id, String... captions) {
    return new Item(id, id + ".png", List.of(captions), "test", "PD", "test", "c");
  }

  private final List<Item> images = List.of(item("a", "Red apple: fruit, food"), item("b", "Green apple: fruit"),
      item("c", "Red car: vehicle"), item("d", "Red apple tree: fruit, plant"), item("e", "Dog: animal, pet"));

  @Test
  void shouldTakeTheMostFrequentWordsAndPairsWithEnoughImagesWhenBuildingQueries() {
    List<ConceptBenchmark.Query> q = ConceptBenchmark.queries(images, 10, 10);
    // "red" and "fruit" and "apple" occur in 3 images each; "dog" in one (too few); "red apple" in 2 (too few).
    assertEquals(List.of(new ConceptBenchmark.Query("apple", true), new ConceptBenchmark.Query("fruit", true),
        new ConceptBenchmark.Query("red", true)), q);
    assertTrue(ConceptBenchmark.relevant(images.get(3), new ConceptBenchmark.Query("red apple", false)));
    assertFalse(ConceptBenchmark.relevant(images.get(2), new ConceptBenchmark.Query("red apple", false)), "both words needed");
    assertEquals(List.of("red", "apple", "tree", "fruit", "plant"), ConceptBenchmark.words("Red apple tree: fruit, plant"));
  }

  @Test
  void shouldCountAHitOnlyWhenARelevantImageIsInTheTopFive() {
    List<ConceptBenchmark.Query> queries = List.of(new ConceptBenchmark.Query("apple", true), new ConceptBenchmark.Query("dog", true));
    List<Item> many = new java.util.ArrayList<>(images);
    for (int i = 0; i < 6; i++) {
      many.add(item("x" + i, "Blank " + i));
    }
    RetrievalSet set = RetrievalSet.ofQueries(many, List.of("apple", "dog"), (it, q) -> ConceptBenchmark.relevant(it, queries.get(q)),
        store(many.stream().map(Item::id).toList()), store(List.of("apple", "dog")));
    // A scorer that ranks the blanks first for "apple" (no hit in the top 5) and the dog first for "dog".
    PairScorer scorer = new PairScorer() {
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
    var r = ConceptBenchmark.run(scorer, set, queries);
    assertEquals(2, r.get("one_word_queries").asInt());
    assertEquals(0.5, r.get("one_word_hit5").asDouble(), 1e-9);
    assertEquals(0.1, r.get("one_word_precision5").asDouble(), 1e-9, "the dog query: 1 of 5 relevant; apple: 0");
  }

  private static io.crossmodal.model.train.FeatureStore store(List<String> keys) {
    try {
      var s = io.crossmodal.model.train.FeatureStore.open(java.nio.file.Files.createTempDirectory("features").resolve("f.bin"), 2);
      keys.forEach(k -> s.put(k, new float[] {1, 0}));
      return s;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
