package io.crossmodal.model.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed variant of an image, for training on more than one view of it ({@code train --augment}).
 * Fixed rather than random per epoch, so that each view's tower features are computed once and
 * cached in a file of their own ({@link FeatureExtractor#images(List, int, String,
 * java.nio.file.Path, ImageView)}).
 */
public enum ImageView {
  /** The image as it is. */
  ORIGINAL("original"),
  /** Mirrored left to right. */
  MIRRORED("mirrored"),
  /** The centre {@value #ZOOM_IN_SIDE} of each side, cropped: the drawing larger, its edges cut. */
  ZOOM_IN("zoom-in"),
  /** Shrunk to {@value #ZOOM_OUT_SIDE} of each side in a transparent frame: the drawing smaller. */
  ZOOM_OUT("zoom-out"),
  /**
   * Over a pale blue background instead of the white the preprocessor composites on: the colour
   * around a drawing is not what it shows. Opaque images stay as they are.
   */
  TINTED("tinted");

  static final double ZOOM_IN_SIDE = 0.75;
  static final double ZOOM_OUT_SIDE = 0.7;
  static final Color TINT = new Color(0xDCE8F5);

  private final String key;

  ImageView(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Comma-separated keys ({@code mirrored,zoom-in}), in that order; blank is none. */
  public static List<ImageView> parse(String keys) {
    List<ImageView> views = new ArrayList<>();
    for (String k : keys.split(",")) {
      if (k.isBlank()) {
        continue;
      }
      views.add(
          Arrays.stream(values())
              .filter(v -> v.key.equals(k.trim()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown view "
                              + k
                              + "; known: "
                              + Arrays.stream(values()).map(ImageView::key).toList())));
    }
    return views;
  }

  public BufferedImage apply(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    return switch (this) {
      case ORIGINAL -> image;
      case MIRRORED -> draw(image, w, h, null, w, 0, -w, h);
      case ZOOM_IN -> {
        int cw = Math.max(1, (int) Math.round(w * ZOOM_IN_SIDE));
        int ch = Math.max(1, (int) Math.round(h * ZOOM_IN_SIDE));
        yield draw(image, cw, ch, null, -(w - cw) / 2, -(h - ch) / 2, w, h);
      }
      case ZOOM_OUT -> {
        int sw = Math.max(1, (int) Math.round(w * ZOOM_OUT_SIDE));
        int sh = Math.max(1, (int) Math.round(h * ZOOM_OUT_SIDE));
        yield draw(image, w, h, null, (w - sw) / 2, (h - sh) / 2, sw, sh);
      }
      case TINTED -> draw(image, w, h, TINT, 0, 0, w, h);
    };
  }

  /** {@code image} drawn at (x, y) with size dw × dh on a w × h canvas (transparent or filled). */
  private static BufferedImage draw(
      BufferedImage image, int w, int h, Color fill, int x, int y, int dw, int dh) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    try {
      if (fill != null) {
        g.setColor(fill);
        g.fillRect(0, 0, w, h);
      }
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, x, y, dw, dh, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
