package io.crossmodal.model.joint;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.model.image.MobileNetV2Tower;

/**
 * Everything about a saved model except its weights: what it needs to encode exactly as in training
 * (image size, tower provenance, tokenizer) and where it came from.
 *
 * @param modelId content-hash id ({@code cm-…}), blank while hashing
 * @param dim dimension of the shared embedding space
 * @param imageSize square input side of the image tower, pixels
 * @param imageTower provenance of the frozen image tower
 * @param textTower provenance of the frozen text tower (its WordPiece vocabulary ships with it)
 * @param temperature learned softmax temperature at the end of training (information only)
 * @param training free-form training summary: data, epochs, best validation recall, seed
 * @param imageLayer the image tower's feature layer ({@code MobileNetV2Tower.TOP} when absent, as
 *     in files written before the field existed)
 * @param tunedLayer the tower layer whose trained weights the file carries ({@code TunedLayer}), or
 *     null: the tower as pretrained
 */
public record ModelSpec(
    String modelId,
    int dim,
    int imageSize,
    String imageTower,
    String textTower,
    double temperature,
    JsonNode training,
    String imageLayer,
    String tunedLayer) {
  public ModelSpec {
    imageLayer = imageLayer == null ? MobileNetV2Tower.TOP : imageLayer;
  }

  public ModelSpec withModelId(String id) {
    return new ModelSpec(
        id, dim, imageSize, imageTower, textTower, temperature, training, imageLayer, tunedLayer);
  }

  /** The same model at another input size (what a benchmark of the compute at that size runs). */
  public ModelSpec withImageSize(int size) {
    return new ModelSpec(
        modelId, dim, size, imageTower, textTower, temperature, training, imageLayer, tunedLayer);
  }
}
