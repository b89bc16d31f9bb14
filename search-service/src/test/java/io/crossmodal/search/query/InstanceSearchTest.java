package io.crossmodal.search.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Hit;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Target;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.search.metrics.SearchMetrics;
import io.crossmodal.search.store.DotProductKernel;
import io.crossmodal.search.store.LiveShard;
import io.crossmodal.search.store.LocalShards;
import io.crossmodal.search.store.SearchFilter;
import io.crossmodal.search.store.TestVectors;
import io.crossmodal.search.store.TopKCollector;
import io.crossmodal.search.store.VectorIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  /** Shards 0–3 of which this instance serves 0, 1 and 3, and one index holding what those three hold. */
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
      stored.put(p + "/" + id, serde.serialize("", new EmbeddingRecord(m, "model", v, "s",
          "{\"caption\":\"" + id + "\",\"thumbnail\":\"AAAA\"}", 0)));
    }
    for (int p : new int[] {0, 1, 3}) {
      shards.add(new LiveShard(p, parts[p]));
    }
    InstanceSearch search = new InstanceSearch(shards, pool, 2, (p, id) -> stored.get(p + "/" + id), new SearchMetrics(registry), 1);

    for (int trial = 0; trial < 20; trial++) {
      float[] q = unit(r);
      SearchFilter filter = SearchFilter.target(Target.values()[trial % 3]);
      PartialAnswer answer = search.search(q, 10, filter, List.of(0, 1, 2, 3));
      List<TopKCollector.Scored> want = whole.search(q, 10, filter);
      assertEquals(List.of(0, 1, 3), answer.partitions(), "shard 2 is not served here");
      assertEquals(want.stream().map(TopKCollector.Scored::id).toList(), answer.hits().stream().map(Hit::id).toList());
      for (int i = 0; i < want.size(); i++) {
        Hit hit = answer.hits().get(i);
        assertEquals(want.get(i).score(), hit.score(), "same score bits as one index, rank " + i);
        assertEquals(hit.id(), hit.metadata().path("caption").asText());
        assertFalse(hit.metadata().has("thumbnail"), "thumbnails have their own URL");
        assertEquals(Integer.parseInt(hit.id().substring(1)) % 3 == 0 ? "text" : "image", hit.modality());
      }
    }
    assertEquals(PartialAnswer.NONE, search.search(unit(r), 5, SearchFilter.ANY, List.of(2)), "no shard asked for runs here");
    pool.shutdown(); // sampled checks run on the pool after each answer
    assertEquals(true, pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(20, registry.find("crossmodal.search.quality.recall").summary().count(), "every search sampled (every = 1)");
    assertEquals(1.0, registry.find("crossmodal.search.quality.recall").summary().mean(), 1e-9);
  }
}
