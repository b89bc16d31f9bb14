package io.crossmodal.common.media;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (any format {@code javax.imageio} reads: PNG, JPEG incl. CMYK, GIF,
 * BMP) into RGB pixels, refusing oversized payloads and decompression bombs <em>before</em>
 * decoding by checking the declared pixel count in the header.
 *
 * <p>Immutable and thread safe.
 */
public final class ImageDecoder {
  private final int maxBytes;
  private final long maxPixels;

  public ImageDecoder(int maxBytes, long maxPixels) {
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
  }

  public int maxBytes() {
    return maxBytes;
  }

  public BufferedImage decode(byte[] bytes) throws InvalidImageException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidImageException("empty image payload");
    }
    if (bytes.length > maxBytes) {
      throw new InvalidImageException(
          "image of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidImageException(
            "not a supported image format (" + bytes.length + " bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new InvalidImageException("image has no pixels: " + width + "x" + height);
        }
        if (width * height > maxPixels) {
          throw new InvalidImageException(
              "image of "
                  + width
                  + "x"
                  + height
                  + " pixels exceeds the limit of "
                  + maxPixels
                  + " pixels");
        }
        return read(reader);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidImageException("cannot decode image: " + e.getMessage(), e);
    }
  }

  private static BufferedImage read(ImageReader reader) throws IOException {
    try {
      return reader.read(0);
    } catch (IIOException e) {
      // The JDK's JPEG reader rejects CMYK/YCCK colour as an image but can still read its raster.
      Raster raster = reader.readRaster(0, null);
      if (raster.getNumBands() != 4) {
        throw e;
      }
      return cmykToRgb(raster);
    }
  }

  /** Naive CMYK → RGB; Adobe CMYK JPEGs store inverted samples, which this formula expects. */
  private static BufferedImage cmykToRgb(Raster raster) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x, y, px);
        int k = px[3];
        int r = px[0] * k / 255;
        int g = px[1] * k / 255;
        int b = px[2] * k / 255;
        rgb.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return rgb;
  }
}
