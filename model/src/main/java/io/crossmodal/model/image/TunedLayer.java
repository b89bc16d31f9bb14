package io.crossmodal.model.image;

/**
 * Trained weights of one 1×1 convolution of the tower (an {@code block_N_expand}, BatchNorm folded
 * in): they replace the pretrained ones in both runtimes, so a model whose training also moved the
 * tower's feature layer encodes exactly as it was trained.
 *
 * @param kernel [in, out] row-major (input channel i to output channel o at {@code i · out + o})
 * @param bias [out]
 */
public record TunedLayer(String layer, int in, int out, float[] kernel, float[] bias) {
  public TunedLayer {
    if (kernel.length != in * out || bias.length != out) {
      throw new IllegalArgumentException(
          layer
              + ": kernel of "
              + kernel.length
              + " and bias of "
              + bias.length
              + " for "
              + in
              + " → "
              + out);
    }
  }
}
