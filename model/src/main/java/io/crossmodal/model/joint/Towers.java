package io.crossmodal.model.joint;

import java.awt.image.BufferedImage;
import java.util.List;

/** What the encoder's loops need of a model: one shared space, batched image and text encoding. */
public interface Towers {
  /** Id of the model whose space the vectors are in. */
  String modelId();

  /** One unit-length vector per image, in order. */
  float[][] encodeImages(List<BufferedImage> images);

  /** One unit-length vector per text, in order. */
  float[][] encodeTexts(List<String> texts);
}
