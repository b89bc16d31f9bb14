package io.crossmodal.model.joint;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The trained part of the joint model: per modality, input normalisation then a linear projection
 * into the shared space, then L2 normalisation. Image features are standardised with the training
 * set's mean and standard deviation; text features (sentence embeddings) are L2-normalised.
 *
 * <p>Immutable; {@link #projectImages} and {@link #projectTexts} are thread safe.
 */
public final class ProjectionHeads {
  private final INDArray imageMean; // [1, imageDim]
  private final INDArray imageStd; // [1, imageDim]
  private final INDArray imageWeights; // [imageDim, dim]
  private final INDArray imageBias; // [1, dim]
  private final INDArray textWeights; // [textDim, dim]
  private final INDArray textBias; // [1, dim]

  public ProjectionHeads(INDArray imageMean, INDArray imageStd, INDArray imageWeights, INDArray imageBias,
      INDArray textWeights, INDArray textBias) {
    this.imageMean = imageMean.reshape(1, imageMean.length()).castTo(DataType.FLOAT);
    this.imageStd = imageStd.reshape(1, imageStd.length()).castTo(DataType.FLOAT);
    this.imageWeights = imageWeights.castTo(DataType.FLOAT);
    this.imageBias = imageBias.reshape(1, imageBias.length()).castTo(DataType.FLOAT);
    this.textWeights = textWeights.castTo(DataType.FLOAT);
    this.textBias = textBias.reshape(1, textBias.length()).castTo(DataType.FLOAT);
    if (imageWeights.size(1) != textWeights.size(1)) {
      throw new IllegalArgumentException("image head dim " + imageWeights.size(1) + " != text head dim " + textWeights.size(1));
    }
  }

  public int dim() {
    return (int) imageWeights.size(1);
  }

  /** Unit-length embeddings for image features [n, imageDim]. */
  public INDArray projectImages(INDArray features) {
    return unit(standardise(features).mmul(imageWeights).addiRowVector(imageBias));
  }

  /** Unit-length embeddings for text features [n, textDim]. */
  public INDArray projectTexts(INDArray features) {
    return unit(unit(features.castTo(DataType.FLOAT)).mmul(textWeights).addiRowVector(textBias));
  }

  INDArray standardise(INDArray features) {
    return features.castTo(DataType.FLOAT).subRowVector(imageMean).diviRowVector(imageStd);
  }

  static INDArray unit(INDArray rows) {
    INDArray norms = rows.norm2(1).reshape(rows.size(0), 1);
    return rows.divColumnVector(Transforms.max(norms, 1e-12, true));
  }

  INDArray imageMean() {
    return imageMean;
  }

  INDArray imageStd() {
    return imageStd;
  }

  INDArray imageWeights() {
    return imageWeights;
  }

  INDArray imageBias() {
    return imageBias;
  }

  INDArray textWeights() {
    return textWeights;
  }

  INDArray textBias() {
    return textBias;
  }

  /** Heads of the given shape with zero means, unit std and small random weights (for tests). */
  public static ProjectionHeads random(int imageDim, int textDim, int dim, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return new ProjectionHeads(Nd4j.zeros(DataType.FLOAT, imageDim), Nd4j.ones(DataType.FLOAT, imageDim),
        Nd4j.randn(DataType.FLOAT, imageDim, dim).muli(0.05), Nd4j.zeros(DataType.FLOAT, dim),
        Nd4j.randn(DataType.FLOAT, textDim, dim).muli(0.05), Nd4j.zeros(DataType.FLOAT, dim));
  }
}
