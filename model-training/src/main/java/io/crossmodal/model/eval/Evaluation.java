package io.crossmodal.model.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.eval.RetrievalMetrics.Recall;

/** Image→text and text→image recall of one scorer on one set. */
public record Evaluation(String scorer, Recall imageToText, Recall textToImage) {
  public static Evaluation run(PairScorer scorer, RetrievalSet set) {
    float[][] i2t = scorer.score(set);
    float[][] t2i = transpose(i2t);
    return new Evaluation(
        scorer.name(),
        RetrievalMetrics.of(i2t, set.captionsOfImage()),
        RetrievalMetrics.of(t2i, set.imagesOfCaption()));
  }

  static float[][] transpose(float[][] m) {
    if (m.length == 0) {
      return new float[0][0];
    }
    float[][] t = new float[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[i].length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  /** The keys the evaluate command's {@code --json} contract names. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("i2t_r1", imageToText.r1());
    n.put("i2t_r5", imageToText.r5());
    n.put("i2t_r10", imageToText.r10());
    n.put("t2i_r1", textToImage.r1());
    n.put("t2i_r5", textToImage.r5());
    n.put("t2i_r10", textToImage.r10());
    n.put("i2t_median_rank", imageToText.medianRank());
    n.put("t2i_median_rank", textToImage.medianRank());
    n.put("gallery", imageToText.queries());
    n.put("text_gallery", textToImage.queries());
    return n;
  }
}
