package io.crossmodal.model.joint;

import io.crossmodal.model.clip.ClipTowers;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What the encoder's loops need of a model: one shared space, batched image and text encoding. The
 * bundled model ({@link JointEncoder}) and any CLIP-format towers folder ({@link ClipTowers})
 * implement it.
 */
public interface Towers extends AutoCloseable {
  /** Id of the model whose space the vectors are in. */
  String modelId();

  /** Length of every vector. */
  int dim();

  /** One unit-length vector per image, in order. */
  float[][] encodeImages(List<BufferedImage> images);

  /** One unit-length vector per text, in order. */
  float[][] encodeTexts(List<String> texts);

  /**
   * The same model (same vectors) whose image encoding never waits behind this one's: what the
   * encoder's query path uses, so that a query is not queued behind a batch of media. Towers whose
   * image encoding never blocks another call may return themselves.
   */
  default Towers withOwnImageTower() {
    return this;
  }

  /** One line for the start-up log: what runs the towers. */
  default String description() {
    return modelId();
  }

  /** Frees native memory. */
  @Override
  default void close() {}
}
