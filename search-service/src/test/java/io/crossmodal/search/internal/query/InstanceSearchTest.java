package io.crossmodal.search.internal.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Target;
import io.crossmodal.common.query.Fusion;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.query.TopKCollector;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.DotProductKernel;
import io.crossmodal.search.store.SearchFilter;
import io.crossmodal.search.store.TestVectors;
import io.crossmodal.search.store.VectorIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstanceSearchTest {
  private static final int DIM = 32;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static float[] unit(Random r) {
    return TestVectors.unit(r, DIM);
  }

  /**
   * Shards 0–3 of which this instance serves 0, 1 and 3, and one index holding what those three
   * hold.
   */
  @Test
  void shouldMergeItsShardsIntoTheTopKOfOneIndexWithStoredMetadata() throws InterruptedException {
    Random r = new Random(3);
    LocalShards shards = new LocalShards();
    VectorIndex[] parts = new VectorIndex[4];
    for (int p = 0; p < 4; p++) {
      parts[p] = new VectorIndex(DIM, 4, DotProductKernel.best(), p % 2 == 0);
    }
    VectorIndex whole = new VectorIndex(DIM, 4, DotProductKernel.best());
    Map<String, byte[]> stored = new HashMap<>();
    EmbeddingSerde serde = new EmbeddingSerde();
    for (int i = 0; i < 3000; i++) {
      String id = "m" + i;
      int p = i % 4;
      float[] v = unit(r);
      Modality m = i % 3 == 0 ? Modality.TEXT : Modality.IMAGE;
      parts[p].upsert(id, m, "s", v);
      if (p != 2) {
        whole.upsert(id, m, "s", v);
      }
      stored.put(
          p + "/" + id,
          serde.serialize(
              "",
              new EmbeddingRecord(
                  m, "model", v, "s", "{\"caption\":\"" + id + "\",\"thumbnail\":\"AAAA\"}", 0)));
    }
    for (int p : new int[] {0, 1, 3}) {
      shards.add(new LiveShard(p, parts[p]));
    }
    InstanceSearch search =
        new InstanceSearch(
            shards, pool, 2, (p, id) -> stored.get(p + "/" + id), new SearchMetrics(registry), 1);

    for (int trial = 0; trial < 20; trial++) {
      float[] q = unit(r);
      SearchFilter filter = SearchFilter.target(Target.values()[trial % 3]);
      PartialAnswer answer = search.search(q, 10, filter, List.of(0, 1, 2, 3));
      List<TopKCollector.Scored> want = whole.search(q, 10, filter);
      assertEquals(List.of(0, 1, 3), answer.partitions(), "shard 2 is not served here");
      assertEquals(
          want.stream().map(TopKCollector.Scored::id).toList(),
          answer.hits().stream().map(Hit::id).toList());
      for (int i = 0; i < want.size(); i++) {
        Hit hit = answer.hits().get(i);
        assertEquals(want.get(i).score(), hit.score(), "same score bits as one index, rank " + i);
        assertEquals(hit.id(), hit.metadata().path("caption").asText());
        assertFalse(hit.metadata().has("thumbnail"), "thumbnails have their own URL");
        assertEquals(
            Integer.parseInt(hit.id().substring(1)) % 3 == 0 ? "text" : "image", hit.modality());
      }
    }
    assertEquals(
        PartialAnswer.NONE,
        search.search(unit(r), 5, SearchFilter.ANY, List.of(2)),
        "no shard asked for runs here");
    pool.shutdown(); // sampled checks run on the pool after each answer
    assertEquals(true, pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(
        20,
        registry.find("crossmodal.search.quality.recall").summary().count(),
        "every search sampled (every = 1)");
    assertEquals(1.0, registry.find("crossmodal.search.quality.recall").summary().mean(), 1e-9);
  }

  /** A deployment's shards with their words, and the corpus statistics they would publish. */
  private static LocalShards layout(
      int shardCount, List<String[]> items, Map<String, float[]> vectors) {
    LocalShards shards = new LocalShards();
    CorpusStats corpus = new CorpusStats();
    LiveShard[] live = new LiveShard[shardCount];
    for (int p = 0; p < shardCount; p++) {
      live[p] =
          new LiveShard(
              p, new VectorIndex(DIM, 16, DotProductKernel.best()), new LexicalIndex(), corpus);
    }
    for (String[] item : items) {
      live[Math.floorMod(item[0].hashCode(), shardCount)].upsert(
          item[0], Modality.IMAGE, "s", List.of(), vectors.get(item[0]), item[1]);
    }
    for (LiveShard shard : live) {
      var counts = shard.lexicalCounts();
      corpus.withShard(shard.partition(), counts.terms(), counts.collection());
      shards.add(shard);
    }
    return shards;
  }

  /**
   * 1 shard or 6: the same hits with the same scores in every mode (the fusion sees the same global
   * lists).
   */
  @Test
  void shouldAnswerEveryModeTheSameWhateverTheNumberOfShards() {
    Random r = new Random(5);
    String[] words = {
      "red", "dog", "dogs", "bus", "buses", "apple", "tree", "boat", "a", "the", "small", "big",
      "house", "cat"
    };
    List<String[]> items = new ArrayList<>();
    Map<String, float[]> vectors = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      for (int w = r.nextInt(6); w > 0; w--) {
        text.append(words[r.nextInt(words.length)]).append(' ');
      }
      items.add(new String[] {"m" + i, text.toString()});
      vectors.put("m" + i, unit(r));
    }
    List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
    InstanceSearch one =
        new InstanceSearch(
            layout(1, items, vectors), pool, 2, (p, id) -> null, new SearchMetrics(registry), 0);
    InstanceSearch six =
        new InstanceSearch(
            layout(6, items, vectors), pool, 2, (p, id) -> null, new SearchMetrics(registry), 0);
    int fused = 0;
    for (int trial = 0; trial < 30; trial++) {
      float[] q = unit(r);
      String text = words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)];
      for (SearchMode mode : SearchMode.values()) {
        PartialAnswer a = one.search(q, text, mode, 10, SearchFilter.ANY, all, List.of(), 0);
        PartialAnswer b = six.search(q, text, mode, 10, SearchFilter.ANY, all, List.of(), 0);
        List<Hit> ra =
            Fusion.rank(
                mode,
                10,
                new ArrayList<>(a.hits()),
                a.lexicalHits() == null ? new ArrayList<>() : new ArrayList<>(a.lexicalHits()));
        List<Hit> rb =
            Fusion.rank(
                mode,
                10,
                new ArrayList<>(b.hits()),
                b.lexicalHits() == null ? new ArrayList<>() : new ArrayList<>(b.lexicalHits()));
        assertEquals(
            ra.stream().map(h -> h.id() + "=" + h.score() + h.signals()).toList(),
            rb.stream().map(h -> h.id() + "=" + h.score() + h.signals()).toList(),
            mode + " '" + text + "'");
        if (mode == SearchMode.HYBRID && ra.stream().anyMatch(h -> h.signals().size() == 2)) {
          fused++;
        }
      }
    }
    assertTrue(fused > 5, "some hybrid answers hold items both signals found: " + fused);
  }
}
