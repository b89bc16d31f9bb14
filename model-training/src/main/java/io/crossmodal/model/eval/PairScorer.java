package io.crossmodal.model.eval;

/** Scores every (image, caption) pair of a {@link RetrievalSet}; higher means a better match. */
public interface PairScorer {
  String name();

  /** [images][captions] scores. */
  float[][] score(RetrievalSet set);
}
