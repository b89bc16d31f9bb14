package io.crossmodal.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into a tower's input: composited on white (clip art and emoji are mostly
 * transparent, and black "transparent" pixels would dominate the features), brought to a {@code
 * size × size} square as the tower expects ({@link Fit}), and written as planar RGB floats {@code
 * (v / 255 − mean) / std} per channel. The bundled tower letterboxes with mean 0 and std 1 (values
 * in [0, 1], what nsfwjs' MobileNetV2 was trained with); CLIP-family towers resize the shortest
 * side and crop the centre, with their own mean and std.
 *
 * <p>Immutable and thread safe; {@link #writeChw} writes into a caller-owned buffer so batch
 * assembly allocates nothing per image beyond the scaled canvas.
 */
public final class ImagePreprocessor {
  /** How an image becomes a square. */
  public enum Fit {
    /** Scaled to fit inside, aspect kept, centred on white (bilinear). */
    LETTERBOX,
    /**
     * Shortest side scaled to {@code resize} (≥ the square's), the centre cropped (bicubic), as
     * CLIP's processors do.
     */
    CENTER_CROP,
    /** Scaled to the square, aspect not kept (bicubic). */
    STRETCH
  }

  private final int size;
  private final Fit fit;
  private final int resize;
  private final float[] mean;
  private final float[] invStd;

  public ImagePreprocessor(int size) {
    this(size, Fit.LETTERBOX, size, new float[] {0, 0, 0}, new float[] {1, 1, 1});
  }

  /**
   * @param resize for {@link Fit#CENTER_CROP}: the side the shortest edge is scaled to before the
   *     crop
   * @param mean per-channel (R, G, B) mean of values in [0, 1]; @param std per-channel spread
   */
  public ImagePreprocessor(int size, Fit fit, int resize, float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 channels");
    }
    if (resize < size) {
      throw new IllegalArgumentException("resize " + resize + " is below the output size " + size);
    }
    this.size = size;
    this.fit = fit;
    this.resize = resize;
    this.mean = mean.clone();
    this.invStd = new float[3];
    for (int c = 0; c < 3; c++) {
      invStd[c] = 1 / std[c];
    }
  }

  public int size() {
    return size;
  }

  /** Floats per image: {@code 3 · size · size}. */
  public int length() {
    return 3 * size * size;
  }

  /** Writes channel-first normalised RGB to {@code out[offset … offset + length())}. */
  public void writeChw(BufferedImage image, float[] out, int offset) {
    BufferedImage canvas = fitOnWhite(image);
    int plane = size * size;
    int[] row = new int[size];
    for (int y = 0; y < size; y++) {
      canvas.getRGB(0, y, size, 1, row, 0, size);
      for (int x = 0; x < size; x++) {
        int p = row[x];
        int i = offset + y * size + x;
        out[i] = (((p >> 16) & 0xff) / 255f - mean[0]) * invStd[0];
        out[i + plane] = (((p >> 8) & 0xff) / 255f - mean[1]) * invStd[1];
        out[i + 2 * plane] = ((p & 0xff) / 255f - mean[2]) * invStd[2];
      }
    }
  }

  BufferedImage fitOnWhite(BufferedImage image) {
    BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, size, size);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION,
          fit == Fit.LETTERBOX
              ? RenderingHints.VALUE_INTERPOLATION_BILINEAR
              : RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      if (fit == Fit.STRETCH) {
        g.drawImage(image, 0, 0, size, size, null);
        return canvas;
      }
      double fitScale =
          Math.min((double) size / image.getWidth(), (double) size / image.getHeight());
      double cropScale =
          Math.max((double) resize / image.getWidth(), (double) resize / image.getHeight());
      double scale = fit == Fit.LETTERBOX ? fitScale : cropScale;
      int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
      int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
      // Centred: a letterboxed image leaves white bands, a cropped one overhangs both edges
      // equally.
      g.drawImage(image, (size - w) / 2, (size - h) / 2, w, h, null);
    } finally {
      g.dispose();
    }
    return canvas;
  }
}
