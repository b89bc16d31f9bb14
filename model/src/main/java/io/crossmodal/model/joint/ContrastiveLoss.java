package io.crossmodal.model.joint;

import io.crossmodal.model.data.CaptionText;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The symmetric InfoNCE loss of CLIP shared by every recipe trained here: an in-batch
 * image × caption similarity matrix scaled by a learnable temperature, softmax cross-entropy along
 * rows and along columns, averaged. Pairs whose captions are the same text are all targets, so
 * duplicate clip art is not pushed apart.
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

  /** Adds the loss over unit embeddings {@code zi}, {@code zt} and soft {@code targets}; sets it as the graph's loss. */
  public static void attach(SameDiff sd, SDVariable zi, SDVariable zt, SDVariable targets) {
    // CLIP's initial temperature 0.07, learned in log space.
    SDVariable logScale = sd.var(LOG_SCALE, Nd4j.scalar(DataType.FLOAT, (float) Math.log(1 / 0.07)).reshape(1, 1));
    SDVariable logits = zi.mmul(sd.transpose(zt)).mul(sd.math.exp(logScale));
    SDVariable rows = sd.loss.softmaxCrossEntropy("rowLoss", targets, logits, null);
    SDVariable cols = sd.loss.softmaxCrossEntropy("colLoss", sd.transpose(targets), sd.transpose(logits), null);
    rows.add(cols).div(2).rename(LOSS);
    sd.setLossVariables(LOSS);
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
