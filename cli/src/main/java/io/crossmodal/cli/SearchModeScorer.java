package io.crossmodal.cli;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.query.Fusion;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.eval.PairScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.search.lexical.Analysis;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The search service's {@code lexical} and {@code hybrid} modes as a {@link PairScorer}, for {@code
 * evaluate --modes}: the same {@link LexicalIndex} (one shard holding the split's images, each with
 * the words {@code wordsOf} gives it as its metadata) and the same {@link Fusion} the service runs,
 * with {@code vector} as the vector signal. Only text→image figures mean anything here: an image
 * query has no words. Items outside both signals' lists score below every fused one.
 */
final class SearchModeScorer implements PairScorer {
  private final SearchMode mode;
  private final PairScorer vector;
  private final Function<Item, String> wordsOf;

  SearchModeScorer(SearchMode mode, PairScorer vector, Function<Item, String> wordsOf) {
    this.mode = mode;
    this.vector = vector;
    this.wordsOf = wordsOf;
  }

  @Override
  public String name() {
    return mode.wireName();
  }

  @Override
  public float[][] score(RetrievalSet set) {
    List<Item> images = set.images();
    LexicalIndex index = new LexicalIndex();
    Map<String, Integer> row = new HashMap<>();
    for (int i = 0; i < images.size(); i++) {
      String id =
          String.format(
              "%06d", i); // ids sort as the rows: ties break the same way as in the service
      row.put(id, i);
      index.upsert(id, Modality.IMAGE, "", List.of(), wordsOf.apply(images.get(i)));
    }
    CorpusStats corpus = new CorpusStats().withShard(0, index.termCounts(), index.collection());
    float[][] vectors = mode.usesVectors() ? vector.score(set) : null;
    float[][] out = new float[images.size()][set.captions().size()];
    int window = Fusion.window(mode, 10);
    for (int q = 0; q < set.captions().size(); q++) {
      List<Hit> byWords = new ArrayList<>();
      for (Match m :
          index.search(
              Analysis.queryTerms(set.captions().get(q)),
              mode == SearchMode.LEXICAL ? images.size() : window,
              SearchFilter.ANY,
              corpus)) {
        byWords.add(new Hit(m.id(), "image", m.score(), null));
      }
      List<Hit> byVector = new ArrayList<>();
      if (vectors != null) {
        for (int i = 0; i < images.size(); i++) {
          byVector.add(new Hit(String.format("%06d", i), "image", vectors[i][q], null));
        }
      }
      float floor = mode == SearchMode.LEXICAL ? 0 : -1;
      for (float[] r : out) {
        r[q] = floor;
      }
      for (Hit h :
          Fusion.rank(
              mode, mode == SearchMode.LEXICAL ? images.size() : 2 * window, byVector, byWords)) {
        out[row.get(h.id())][q] = h.score();
      }
    }
    index.close();
    return out;
  }

  /**
   * The words an image is published with: every caption (title, keywords), or the first caption's
   * title only.
   */
  static Function<Item, String> metadata(String kind) {
    return switch (kind) {
      case "captions" -> item -> String.join("\n", item.captions());
      case "title" -> item -> CaptionText.title(item.captions().get(0));
      default ->
          throw new IllegalArgumentException("--metadata must be captions or title, got " + kind);
    };
  }
}
