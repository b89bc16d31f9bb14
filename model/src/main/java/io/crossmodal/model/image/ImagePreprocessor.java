package io.crossmodal.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Turns a decoded image into the tower's input: composited on white (clip art and emoji are
 * mostly transparent, and black "transparent" pixels would dominate the features), scaled to fit a
 * {@code size × size} square keeping the aspect ratio, centred on white, and written as planar
 * RGB floats in [0, 1] (the normalisation nsfwjs' MobileNetV2 was trained with).
 *
 * <p>Immutable and thread safe; {@link #writeChw} writes into a caller-owned buffer so batch
 * assembly allocates nothing per image beyond the scaled canvas.
 */
public final class ImagePreprocessor {
  private final int size;

  public ImagePreprocessor(int size) {
    this.size = size;
  }

  public int size() {
    return size;
  }

  /** Floats per image: {@code 3 · size · size}. */
  public int length() {
    return 3 * size * size;
  }

  /** Writes channel-first RGB in [0, 1] to {@code out[offset … offset + length())}. */
  public void writeChw(BufferedImage image, float[] out, int offset) {
    BufferedImage canvas = fitOnWhite(image);
    int plane = size * size;
    int[] row = new int[size];
    for (int y = 0; y < size; y++) {
      canvas.getRGB(0, y, size, 1, row, 0, size);
      for (int x = 0; x < size; x++) {
        int p = row[x];
        int i = offset + y * size + x;
        out[i] = ((p >> 16) & 0xff) / 255f;
        out[i + plane] = ((p >> 8) & 0xff) / 255f;
        out[i + 2 * plane] = (p & 0xff) / 255f;
      }
    }
  }

  BufferedImage fitOnWhite(BufferedImage image) {
    BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, size, size);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      double scale = Math.min((double) size / image.getWidth(), (double) size / image.getHeight());
      int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
      int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
      g.drawImage(image, (size - w) / 2, (size - h) / 2, w, h, null);
    } finally {
      g.dispose();
    }
    return canvas;
  }
}
