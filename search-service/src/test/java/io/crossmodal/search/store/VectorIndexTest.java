package io.crossmodal.search.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.TagFilter;
import io.crossmodal.common.event.Target;
import io.crossmodal.common.query.TopKCollector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VectorIndexTest {
  static List<DotProductKernel> kernels() {
    return List.of(DotProductKernel.scalar(), DotProductKernel.best());
  }

  private static float[] unit(Random r, int dim) {
    return TestVectors.unit(r, dim);
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void shouldEqualANaiveSortWhenSearchingRandomData(DotProductKernel kernel) {
    for (int seed = 0; seed < 20; seed++) {
      Random r = new Random(seed);
      int dim = 1 + r.nextInt(300);
      int n = 1 + r.nextInt(3000);
      int k = 1 + r.nextInt(50);
      VectorIndex index = new VectorIndex(dim, 4, kernel);
      List<float[]> vectors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        vectors.add(unit(r, dim));
        index.upsert("id" + i, i % 3 == 0 ? Modality.TEXT : Modality.IMAGE, "s", vectors.get(i));
      }
      float[] q = unit(r, dim);
      List<TopKCollector.Scored> got = index.search(q, k, SearchFilter.ANY);
      List<TopKCollector.Scored> naive = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        double dot = 0;
        for (int d = 0; d < dim; d++) {
          dot += (double) q[d] * vectors.get(i)[d];
        }
        naive.add(new TopKCollector.Scored("id" + i, (float) dot, i));
      }
      naive.sort(
          Comparator.comparingDouble((TopKCollector.Scored s) -> -s.score())
              .thenComparing(TopKCollector.Scored::id));
      assertEquals(Math.min(k, n), got.size(), "seed " + seed);
      for (int i = 0; i < got.size(); i++) {
        assertEquals(
            naive.get(i).score(), got.get(i).score(), 1e-4f, "seed " + seed + " rank " + i);
      }
      // Ids agree wherever scores are not within float rounding of a neighbour.
      for (int i = 0; i < got.size(); i++) {
        float gap =
            Math.min(
                i > 0 ? naive.get(i - 1).score() - naive.get(i).score() : 1,
                i + 1 < naive.size() ? naive.get(i).score() - naive.get(i + 1).score() : 1);
        if (gap > 1e-4f) {
          assertEquals(naive.get(i).id(), got.get(i).id(), "seed " + seed + " rank " + i);
        }
      }
    }
  }

  /**
   * Filters stay exact: for random tags (a common and a rare vocabulary, so both the sparse and the
   * full-scan paths run), random AND/OR conditions, modality and source, after overwrites and
   * deletes, the index returns exactly the naive top-k of the matching items.
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void shouldEqualANaiveFilteredSortWhenFilteringByTagsModalityAndSource(DotProductKernel kernel) {
    String[] common = {"red", "blue", "green", "cat", "dog"};
    for (int seed = 0; seed < 30; seed++) {
      Random r = new Random(seed);
      int dim = 8 + r.nextInt(64);
      int n = 200 + r.nextInt(3000);
      VectorIndex index = new VectorIndex(dim, 4, kernel);
      Map<String, Object[]> live = new HashMap<>(); // id -> {vector, modality, source, tags}
      for (int i = 0; i < n; i++) {
        String id = "id" + r.nextInt(n); // repeats overwrite
        List<String> tags = new ArrayList<>();
        for (String t : common) {
          if (r.nextInt(3) == 0) {
            tags.add(t);
          }
        }
        if (r.nextInt(50) == 0) {
          tags.add("rare" + r.nextInt(3));
        }
        Modality m = r.nextBoolean() ? Modality.IMAGE : Modality.TEXT;
        String source = r.nextBoolean() ? "cam" : "web";
        float[] v = unit(r, dim);
        index.upsert(id, m, source, tags, v);
        live.put(id, new Object[] {v, m, source, tags});
        if (r.nextInt(10) == 0) {
          String gone = "id" + r.nextInt(n);
          index.delete(gone);
          live.remove(gone);
        }
      }
      for (int trial = 0; trial < 10; trial++) {
        List<String> all = r.nextBoolean() ? List.of(common[r.nextInt(common.length)]) : List.of();
        List<String> any =
            r.nextBoolean()
                ? List.of("rare" + r.nextInt(3), common[r.nextInt(common.length)])
                : List.of("rare" + r.nextInt(3));
        SearchFilter filter =
            new SearchFilter(
                Target.values()[r.nextInt(3)],
                r.nextBoolean() ? null : "cam",
                new TagFilter(all, any));
        float[] q = unit(r, dim);
        int k = 1 + r.nextInt(20);
        List<TopKCollector.Scored> naive = new ArrayList<>();
        for (var e : live.entrySet()) {
          Object[] item = e.getValue();
          @SuppressWarnings("unchecked")
          List<String> tags = (List<String>) item[3];
          if (filter.accepts((Modality) item[1], (String) item[2], tags)) {
            naive.add(new TopKCollector.Scored(e.getKey(), dot(q, (float[]) item[0]), -1));
          }
        }
        naive.sort(TopKCollector.BEST_FIRST);
        List<String> want =
            naive.subList(0, Math.min(k, naive.size())).stream()
                .map(TopKCollector.Scored::id)
                .toList();
        List<String> got =
            index.search(q, k, filter).stream().map(TopKCollector.Scored::id).toList();
        assertEquals(want, got, "seed " + seed + " trial " + trial + " filter " + filter);
      }
    }
  }

  /**
   * The int8 prefilter changes the work, never the answer: for random dimensions (SIMD-sized and
   * not), vectors of mixed norms, exact duplicates (ties at every rank), overwrites, deletes and
   * filters, the prefiltered index returns exactly the float index's list (ids, score bits, slots).
   */
  @ParameterizedTest
  @MethodSource("kernels")
  void shouldAnswerExactlyLikeTheFloatScanWhenPrefilteringWithInt8(DotProductKernel kernel) {
    int[] dims = {3, 16, 31, 64, 384, 512};
    for (int seed = 0; seed < 24; seed++) {
      Random r = new Random(100 + seed);
      int dim = dims[seed % dims.length];
      int n = 50 + r.nextInt(2500);
      VectorIndex plain = new VectorIndex(dim, 4, kernel, false);
      VectorIndex int8 = new VectorIndex(dim, 4, kernel, true);
      List<float[]> earlier = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        float[] v =
            r.nextInt(8) == 0 && !earlier.isEmpty()
                ? earlier.get(r.nextInt(earlier.size()))
                : unit(r, dim);
        float norm = r.nextInt(4) == 0 ? 0.01f + 3 * r.nextFloat() : 1f;
        float[] scaled = new float[dim];
        for (int d = 0; d < dim; d++) {
          scaled[d] = v[d] * norm;
        }
        earlier.add(v);
        String id = "id" + r.nextInt(n);
        Modality m = r.nextBoolean() ? Modality.IMAGE : Modality.TEXT;
        List<String> tags = r.nextInt(3) == 0 ? List.of("red") : List.of();
        String source = "s" + r.nextInt(2);
        plain.upsert(id, m, source, tags, scaled);
        int8.upsert(id, m, source, tags, scaled);
        if (r.nextInt(12) == 0) {
          String gone = "id" + r.nextInt(n);
          plain.delete(gone);
          int8.delete(gone);
        }
      }
      for (int trial = 0; trial < 8; trial++) {
        float[] q = r.nextBoolean() ? unit(r, dim) : earlier.get(r.nextInt(earlier.size()));
        int k = 1 + r.nextInt(30);
        SearchFilter filter =
            trial % 2 == 0
                ? SearchFilter.ANY
                : new SearchFilter(
                    Target.values()[r.nextInt(3)],
                    r.nextBoolean() ? null : "s1",
                    r.nextBoolean() ? null : new TagFilter(List.of("red"), null));
        assertEquals(
            plain.search(q, k, filter),
            int8.search(q, k, filter),
            "seed " + seed + " dim " + dim + " trial " + trial);
      }
    }
  }

  @Test
  void shouldComputeCodeDotsLikeTheScalarLoopWithTheSimdKernel() {
    Random r = new Random(5);
    for (int dim : new int[] {16, 64, 512, 40}) {
      int rows = 37;
      byte[] codes = new byte[(rows + 3) * dim];
      r.nextBytes(codes);
      float[] q = unit(r, dim);
      float[] simd = new float[rows];
      float[] scalar = new float[rows];
      DotProductKernel.best().codeDots(q, codes, dim, 3, rows, simd);
      DotProductKernel.scalar().codeDots(q, codes, dim, 3, rows, scalar);
      for (int i = 0; i < rows; i++) {
        assertEquals(
            scalar[i], simd[i], 1e-3f * (1 + Math.abs(scalar[i])), "dim " + dim + " row " + i);
      }
    }
  }

  private static float dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }

  @Test
  void shouldForgetATagWhenItsLastItemIsDeletedOrRetagged() {
    VectorIndex index = new VectorIndex(1, 4, DotProductKernel.scalar());
    index.upsert("a", Modality.IMAGE, "", List.of("red"), new float[] {1});
    index.upsert("b", Modality.IMAGE, "", List.of("red", "cat"), new float[] {1});
    index.upsert("b", Modality.IMAGE, "", List.of("dog"), new float[] {1});
    index.delete("a");
    assertEquals(1, index.tagCount(), "only 'dog' is still carried");
    assertTrue(
        index
            .search(
                new float[] {1},
                5,
                new SearchFilter(Target.ANY, null, new TagFilter(List.of("red"), null)))
            .isEmpty());
    assertEquals(
        "b",
        index
            .search(
                new float[] {1},
                5,
                new SearchFilter(Target.ANY, null, new TagFilter(null, List.of("x", "dog"))))
            .get(0)
            .id());
  }

  @ParameterizedTest
  @MethodSource("kernels")
  void shouldEqualSingleQuerySearchesWhenSearchingInABatch(DotProductKernel kernel) {
    Random r = new Random(7);
    int dim = 256;
    VectorIndex index = new VectorIndex(dim, 4, kernel);
    for (int i = 0; i < 5000; i++) {
      index.upsert("id" + i, Modality.IMAGE, "s", unit(r, dim));
    }
    index.delete("id17");
    float[][] queries = new float[7][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = unit(r, dim);
    }
    List<List<TopKCollector.Scored>> batch = index.searchBatch(queries, 10, SearchFilter.ANY);
    for (int q = 0; q < queries.length; q++) {
      List<TopKCollector.Scored> single = index.search(queries[q], 10, SearchFilter.ANY);
      assertEquals(
          single.stream().map(TopKCollector.Scored::id).toList(),
          batch.get(q).stream().map(TopKCollector.Scored::id).toList());
    }
  }

  @Test
  void shouldReplaceInPlaceWhenTheSameIdIsPutAgain() {
    VectorIndex index = new VectorIndex(2, 4, DotProductKernel.scalar());
    index.upsert("a", Modality.IMAGE, "", new float[] {1, 0});
    index.upsert("a", Modality.TEXT, "", new float[] {0, 1});
    assertEquals(1, index.size());
    assertArrayEquals(new float[] {0, 1}, index.vector("a"));
    assertEquals(
        "a", index.search(new float[] {0, 1}, 1, SearchFilter.target(Target.TEXT)).get(0).id());
    assertTrue(index.search(new float[] {0, 1}, 1, SearchFilter.target(Target.IMAGE)).isEmpty());
  }

  @Test
  void shouldForgetAndReuseTheSlotWhenAnIdIsDeleted() {
    VectorIndex index = new VectorIndex(2, 4, DotProductKernel.scalar());
    int a = index.upsert("a", Modality.IMAGE, "", new float[] {1, 0});
    index.upsert("b", Modality.IMAGE, "", new float[] {0, 1});
    assertTrue(index.delete("a"));
    assertFalse(index.delete("a"));
    assertNull(index.vector("a"));
    assertEquals(
        List.of("b"),
        index.search(new float[] {1, 0}, 5, SearchFilter.ANY).stream()
            .map(TopKCollector.Scored::id)
            .toList());
    assertEquals(
        a, index.upsert("c", Modality.IMAGE, "", new float[] {1, 0}), "freed slot is reused");
    assertEquals(2, index.size());
  }

  @Test
  void shouldBreakTiesById() {
    VectorIndex index = new VectorIndex(1, 4, DotProductKernel.scalar());
    for (String id : List.of("c", "a", "b")) {
      index.upsert(id, Modality.IMAGE, "", new float[] {1});
    }
    assertEquals(
        List.of("a", "b"),
        index.search(new float[] {1}, 2, SearchFilter.ANY).stream()
            .map(TopKCollector.Scored::id)
            .toList());
  }

  @Test
  void shouldOnlyReturnTheGivenSourceWhenFiltered() {
    VectorIndex index = new VectorIndex(1, 4, DotProductKernel.scalar());
    index.upsert("x", Modality.IMAGE, "cam", new float[] {0.5f});
    index.upsert("y", Modality.IMAGE, "web", new float[] {1f});
    assertEquals(
        List.of("x"),
        index.search(new float[] {1}, 5, new SearchFilter(Target.ANY, "cam", null)).stream()
            .map(TopKCollector.Scored::id)
            .toList());
  }
}
