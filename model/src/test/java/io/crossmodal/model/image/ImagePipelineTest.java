package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.InvalidImageException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;

class ImagePipelineTest {
  private final ImageDecoder decoder = new ImageDecoder(1 << 20, 4_000_000);
  private final ImagePreprocessor pre = new ImagePreprocessor(8);

  static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  private float[] preprocess(byte[] bytes) throws Exception {
    float[] out = new float[pre.length()];
    pre.writeChw(decoder.decode(bytes), out, 0);
    return out;
  }

  @Test
  void shouldCompositeTransparentPixelsOnWhiteWhenImageHasAlpha() throws Exception {
    BufferedImage transparent =
        new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB); // all (0,0,0,0)

    float[] chw = preprocess(encode(transparent, "png"));

    for (float v : chw) {
      assertEquals(1f, v, 1e-6f);
    }
  }

  @Test
  void shouldLetterboxOnWhiteAndKeepColourWhenImageIsOddSized() throws Exception {
    BufferedImage wide = new BufferedImage(31, 7, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 7; y++) {
      for (int x = 0; x < 31; x++) {
        wide.setRGB(x, y, 0xff0000);
      }
    }

    float[] chw = preprocess(encode(wide, "png"));

    int plane = 64;
    assertEquals(1f, chw[0], 1e-6f); // top-left corner is padding
    assertEquals(1f, chw[4 * 8 - 4 + 0], 0.01f); // centre row: red channel high
    assertEquals(0f, chw[plane + 4 * 8 + 4], 0.05f); // centre green low
    assertEquals(0f, chw[2 * plane + 4 * 8 + 4], 0.05f); // centre blue low
  }

  @Test
  void shouldReplicateGreyIntoThreeChannelsWhenImageIsGreyscale() throws Exception {
    BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(3, 3, 0, 128);

    float[] chw = preprocess(encode(grey, "png"));

    assertEquals(chw[3 * 8 + 3], chw[64 + 3 * 8 + 3], 1e-6f);
    assertEquals(chw[3 * 8 + 3], chw[128 + 3 * 8 + 3], 1e-6f);
    assertEquals(128 / 255f, chw[3 * 8 + 3], 0.01f);
  }

  @Test
  void shouldDecodeCmykJpegWhenTheJdkRefusesItAsAnImage() throws Exception {
    byte[] jpeg =
        cmykJpeg(
            16, 16, new int[] {255, 0, 0, 255}); // Adobe-style inverted CMYK samples of pure red

    BufferedImage rgb = decoder.decode(jpeg);

    int p = rgb.getRGB(8, 8);
    assertTrue(
        ((p >> 16) & 0xff) > 200 && (p & 0xff) < 60,
        "expected a red-dominant pixel, got " + Integer.toHexString(p));
    assertEquals(16, rgb.getWidth());
  }

  private static byte[] cmykJpeg(int w, int h, int[] sample) throws Exception {
    WritableRaster raster =
        Raster.createWritableRaster(
            new PixelInterleavedSampleModel(
                DataBuffer.TYPE_BYTE, w, h, 4, 4 * w, new int[] {0, 1, 2, 3}),
            null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, sample);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(new IIOImage(raster, null, null));
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  @Test
  void shouldRejectWithReasonWhenBytesAreNotAnImage() {
    InvalidImageException e =
        assertThrows(InvalidImageException.class, () -> decoder.decode("hello".getBytes()));
    assertTrue(e.getMessage().contains("not a supported image format"), e.getMessage());
  }

  @Test
  void shouldRejectWithReasonWhenPngIsTruncated() throws Exception {
    byte[] png = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png");

    InvalidImageException e =
        assertThrows(
            InvalidImageException.class, () -> decoder.decode(Arrays.copyOf(png, png.length / 2)));

    assertTrue(e.getMessage().startsWith("cannot decode image"), e.getMessage());
  }

  @Test
  void shouldRejectBeforeDecodingWhenDeclaredPixelCountExceedsTheLimit() throws Exception {
    byte[] png = encode(new BufferedImage(2100, 2000, BufferedImage.TYPE_BYTE_BINARY), "png");

    InvalidImageException e = assertThrows(InvalidImageException.class, () -> decoder.decode(png));

    assertTrue(e.getMessage().contains("2100x2000 pixels exceeds the limit"), e.getMessage());
  }

  @Test
  void shouldRejectWhenPayloadIsEmptyOrOverTheByteLimit() {
    assertThrows(InvalidImageException.class, () -> decoder.decode(new byte[0]));
    InvalidImageException e =
        assertThrows(InvalidImageException.class, () -> decoder.decode(new byte[(1 << 20) + 1]));
    assertTrue(e.getMessage().contains("exceeds the limit of 1048576"), e.getMessage());
  }

  @Test
  void shouldWriteBatchesAtTheGivenOffsetWhenFillingASharedBuffer() throws Exception {
    BufferedImage white = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    float[] buffer = new float[2 * pre.length()];
    pre.writeChw(decoder.decode(encode(white, "png")), buffer, pre.length());
    assertArrayEquals(new float[pre.length()], Arrays.copyOf(buffer, pre.length()));
  }
}
