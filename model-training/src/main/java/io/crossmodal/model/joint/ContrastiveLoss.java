package io.crossmodal.model.joint;

import io.crossmodal.model.data.CaptionText;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The symmetric InfoNCE loss of CLIP shared by every recipe trained here: an in-batch image ×
 * caption similarity matrix scaled by a learnable temperature, softmax cross-entropy along rows and
 * along columns, averaged. Pairs whose captions are the same text are all targets, so duplicate
 * clip art is not pushed apart.
 */
public final class ContrastiveLoss {
  /** Name of the learnable log inverse temperature variable. */
  public static final String LOG_SCALE = "logScale";

  /** Name of the loss variable. */
  public static final String LOSS = "loss";

  private ContrastiveLoss() {}

  /** Rows scaled to unit L2 norm. */
  public static SDVariable unit(SameDiff sd, SDVariable x) {
    return x.div(sd.norm2(x, true, 1).add(1e-8));
  }

  /**
   * Adds the loss over unit embeddings {@code zi}, {@code zt} and soft {@code targets}; sets it as
   * the graph's loss.
   */
  public static void attach(SameDiff sd, SDVariable zi, SDVariable zt, SDVariable targets) {
    // CLIP's initial temperature 0.07, learned in log space.
    SDVariable logScale =
        sd.var(LOG_SCALE, Nd4j.scalar(DataType.FLOAT, (float) Math.log(1 / 0.07)).reshape(1, 1));
    SDVariable logits = zi.mmul(sd.transpose(zt)).mul(sd.math.exp(logScale));
    // Normalised here in both directions: targets need not be symmetric (an image may have several
    // captions in the batch, a caption several images).
    SDVariable byRow = targets.div(sd.sum(targets, true, 1));
    SDVariable transposed = sd.transpose(targets);
    SDVariable byCol = transposed.div(sd.sum(transposed, true, 1));
    SDVariable rows = sd.loss.softmaxCrossEntropy("rowLoss", byRow, logits, null);
    SDVariable cols = sd.loss.softmaxCrossEntropy("colLoss", byCol, sd.transpose(logits), null);
    rows.add(cols).div(2).rename(LOSS);
    sd.setLossVariables(LOSS);
  }

  /**
   * Targets when every caption of an item is its positive: pair (image i, caption j) is a match
   * when caption j is the same text as one of image i's captions (a keyword phrase such as "animal"
   * is then a positive of every image in the batch that has it, not a negative of all but one).
   */
  public static INDArray targets(String[] chosen, List<String[]> captionsOfRow) {
    int n = chosen.length;
    float[][] t = new float[n][n];
    for (int i = 0; i < n; i++) {
      Set<String> mine = new HashSet<>();
      for (String c : captionsOfRow.get(i)) {
        mine.add(CaptionText.normalise(c));
      }
      mine.add(CaptionText.normalise(chosen[i]));
      for (int j = 0; j < n; j++) {
        t[i][j] = mine.contains(CaptionText.normalise(chosen[j])) ? 1 : 0;
      }
    }
    return Nd4j.create(t);
  }

  /** Row-normalised targets: pair (i, j) is a match when captions i and j are the same text. */
  public static INDArray targets(String[] captions) {
    int n = captions.length;
    String[] normalised = new String[n];
    for (int i = 0; i < n; i++) {
      normalised[i] = CaptionText.normalise(captions[i]);
    }
    float[][] t = new float[n][n];
    for (int i = 0; i < n; i++) {
      int same = 0;
      for (int j = 0; j < n; j++) {
        if (normalised[i].equals(normalised[j])) {
          t[i][j] = 1;
          same++;
        }
      }
      for (int j = 0; j < n; j++) {
        t[i][j] /= same;
      }
    }
    return Nd4j.create(t);
  }
}
