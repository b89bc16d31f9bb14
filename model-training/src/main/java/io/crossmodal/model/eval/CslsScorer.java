package io.crossmodal.model.eval;

import io.crossmodal.model.joint.ProjectionHeads;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The joint model's cosine with the hubness correction CSLS (cross-domain similarity local scaling,
 * Conneau et al. 2018): {@code 2·cos(x, t) − r(x) − r(t)}, where {@code r(x)} is the mean cosine of
 * image {@code x} to its {@code k} nearest texts of a reference set and {@code r(t)} that of text
 * {@code t} to its {@code k} nearest reference images. An image near many texts (a "hub", returned
 * for unrelated queries) is pushed down by its own {@code r}; for a text query the text's {@code r}
 * is the same for every image and changes no ranking. The reference set is the training split, so
 * nothing of the split being scored is used.
 */
public final class CslsScorer implements PairScorer {
  private final String name;
  private final ProjectionHeads heads;
  private final INDArray referenceImages;
  private final INDArray referenceTexts;
  private final int k;

  /**
   * @param reference the images and captions the neighbourhoods are taken in (the training split)
   */
  public CslsScorer(String name, ProjectionHeads heads, RetrievalSet reference, int k) {
    this.name = name;
    this.heads = heads;
    this.referenceImages = heads.projectImages(reference.imageFeatures());
    this.referenceTexts = heads.projectTexts(reference.textFeatures());
    this.k = k;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public float[][] score(RetrievalSet set) {
    INDArray images = heads.projectImages(set.imageFeatures());
    INDArray texts = heads.projectTexts(set.textFeatures());
    float[] imageHubness =
        meanOfNearest(images.mmul(referenceTexts.transpose()).toFloatMatrix(), k);
    float[] textHubness = meanOfNearest(texts.mmul(referenceImages.transpose()).toFloatMatrix(), k);
    float[][] s = images.mmul(texts.transpose()).toFloatMatrix();
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s[i].length; j++) {
        s[i][j] = 2 * s[i][j] - imageHubness[i] - textHubness[j];
      }
    }
    return s;
  }

  /** Per row, the mean of its {@code k} largest values. */
  static float[] meanOfNearest(float[][] rows, int k) {
    float[] out = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      float[] r = rows[i].clone();
      Arrays.sort(r);
      int n = Math.min(k, r.length);
      double sum = 0;
      for (int j = r.length - n; j < r.length; j++) {
        sum += r[j];
      }
      out[i] = (float) (sum / n);
    }
    return out;
  }
}
