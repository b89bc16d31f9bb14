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

  /**
   * The heads as plain arrays (weights row-major [inDim][dim]), for one item at a time without
   * ND4J.
   */
  private final float[] textWeightsRows;

  private final float[] textBiasRow;
  private final float[] imageWeightsRows;
  private final float[] imageBiasRow;
  private final float[] imageMeanRow;
  private final float[] imageInvStdRow;

  public ProjectionHeads(
      INDArray imageMean,
      INDArray imageStd,
      INDArray imageWeights,
      INDArray imageBias,
      INDArray textWeights,
      INDArray textBias) {
    this.imageMean = imageMean.reshape(1, imageMean.length()).castTo(DataType.FLOAT);
    this.imageStd = imageStd.reshape(1, imageStd.length()).castTo(DataType.FLOAT);
    this.imageWeights = imageWeights.castTo(DataType.FLOAT);
    this.imageBias = imageBias.reshape(1, imageBias.length()).castTo(DataType.FLOAT);
    this.textWeights = textWeights.castTo(DataType.FLOAT);
    this.textBias = textBias.reshape(1, textBias.length()).castTo(DataType.FLOAT);
    this.textWeightsRows = this.textWeights.dup('c').data().asFloat();
    this.textBiasRow = this.textBias.data().asFloat();
    this.imageWeightsRows = this.imageWeights.dup('c').data().asFloat();
    this.imageBiasRow = this.imageBias.data().asFloat();
    this.imageMeanRow = this.imageMean.data().asFloat();
    this.imageInvStdRow = this.imageStd.rdiv(1f).data().asFloat();
    if (imageWeights.size(1) != textWeights.size(1)) {
      throw new IllegalArgumentException(
          "image head dim " + imageWeights.size(1) + " != text head dim " + textWeights.size(1));
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

  /**
   * {@link #projectTexts} for one feature vector in plain Java: for one query an ND4J call costs ≈
   * 1.8 ms of op dispatch (measured in the encoder service), this loop ≈ 0.05 ms. Same function;
   * results agree with the ND4J path to float rounding. Thread safe.
   */
  public float[] projectText(float[] feature) {
    checkLength(feature, textWeightsRows, textBiasRow);
    double norm = 0;
    for (float x : feature) {
      norm += (double) x * x;
    }
    float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
    float[] out = textBiasRow.clone();
    for (int i = 0; i < feature.length; i++) {
      accumulate(out, feature[i] * inv, textWeightsRows, i * out.length);
    }
    return UnitVectors.normalise(out);
  }

  /**
   * {@link #projectImages} for one feature vector in plain Java, for the same reason as {@link
   * #projectText}: with the image tower in ONNX Runtime, ND4J's dispatch (and its OpenMP threads
   * competing with ONNX Runtime's) cost more than the product itself. Thread safe.
   */
  public float[] projectImage(float[] feature) {
    checkLength(feature, imageWeightsRows, imageBiasRow);
    float[] out = imageBiasRow.clone();
    for (int i = 0; i < feature.length; i++) {
      accumulate(
          out,
          (feature[i] - imageMeanRow[i]) * imageInvStdRow[i],
          imageWeightsRows,
          i * out.length);
    }
    return UnitVectors.normalise(out);
  }

  private static void checkLength(float[] feature, float[] weights, float[] bias) {
    if (feature.length * bias.length != weights.length) {
      throw new IllegalArgumentException(
          "feature of length " + feature.length + ", head expects " + weights.length / bias.length);
    }
  }

  /** {@code out += x · weights[row … row + out.length)}; a loop the JIT vectorises. */
  private static void accumulate(float[] out, float x, float[] weights, int row) {
    for (int j = 0; j < out.length; j++) {
      out[j] += x * weights[row + j];
    }
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

  /**
   * These heads with each bias shifted so that {@code images} and {@code texts} (features, [n,
   * dim]) project to a zero mean before the L2 normalisation. Centring a space moves every vector
   * away from the common direction that all share, which makes "hubs" (items near every query) less
   * near; the same linear heads, only the biases change.
   */
  public ProjectionHeads centred(INDArray images, INDArray texts) {
    INDArray imageCentre =
        standardise(images).mmul(imageWeights).addiRowVector(imageBias).mean(0).reshape(1, dim());
    INDArray textCentre =
        unit(texts.castTo(DataType.FLOAT))
            .mmul(textWeights)
            .addiRowVector(textBias)
            .mean(0)
            .reshape(1, dim());
    return new ProjectionHeads(
        imageMean,
        imageStd,
        imageWeights,
        imageBias.sub(imageCentre),
        textWeights,
        textBias.sub(textCentre));
  }

  /** Heads of the given shape with zero means, unit std and small random weights (for tests). */
  public static ProjectionHeads random(int imageDim, int textDim, int dim, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return new ProjectionHeads(
        Nd4j.zeros(DataType.FLOAT, imageDim),
        Nd4j.ones(DataType.FLOAT, imageDim),
        Nd4j.randn(DataType.FLOAT, imageDim, dim).muli(0.05),
        Nd4j.zeros(DataType.FLOAT, dim),
        Nd4j.randn(DataType.FLOAT, textDim, dim).muli(0.05),
        Nd4j.zeros(DataType.FLOAT, dim));
  }
}
