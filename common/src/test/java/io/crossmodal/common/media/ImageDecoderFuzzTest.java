package io.crossmodal.common.media;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing of the image decoder with valid PNG, JPEG, GIF and BMP files (made here)
 * that are truncated, bit-flipped, overwritten or spliced: the decoder returns an image within the
 * limits or throws {@link InvalidImageException} with one of its reasons, never anything else, so a
 * bad upload always ends on the dead-letter topic or in a 4xx instead of killing the encoder.
 */
class ImageDecoderFuzzTest {
  private static final int MAX_PIXELS = 4_000_000;
  private static final List<byte[]> SEEDS = seeds();
  private final ImageDecoder decoder = new ImageDecoder(1 << 20, MAX_PIXELS);

  /** How every rejection message starts: the decoder's reasons, each naming what was wrong. */
  private static final List<String> REASONS =
      List.of(
          "empty image payload",
          "image of ",
          "not a supported image format",
          "image has no pixels",
          "cannot decode image: ");

  private static void assertReason(InvalidImageException e) {
    assertTrue(
        REASONS.stream().anyMatch(e.getMessage()::startsWith),
        "not one of the decoder's reasons: " + e.getMessage());
    assertTrue(
        e.getMessage().length() >= 18, "a reason that says what was wrong: " + e.getMessage());
  }

  @Property(tries = 1500)
  void decoderReturnsAnImageOrAReasonWhenFilesAreDamaged(
      @ForAll @IntRange(min = 0, max = 3) int seed, @ForAll("damage") int[] damage) {
    byte[] bytes = SEEDS.get(seed).clone();
    switch (damage[0]) {
      case 0 -> bytes = Arrays.copyOf(bytes, damage[1] % (bytes.length + 1));
      case 1 -> {
        for (int i = 0; i < 1 + damage[2] % 8; i++) {
          bytes[Math.floorMod(damage[1] * (i + 1) * 7919, bytes.length)] ^=
              (byte) (damage[2] * (i + 3));
        }
      }
      case 2 -> { // a header field overwritten with extreme values (sizes, lengths)
        int at = damage[1] % Math.max(1, bytes.length - 4);
        bytes[at] = (byte) 0x7f;
        bytes[at + 1] = (byte) 0xff;
        bytes[at + 2] = (byte) (damage[2] & 0xff);
        bytes[at + 3] = (byte) 0xff;
      }
      default -> { // the head of one format glued to the tail of another
        byte[] other = SEEDS.get((seed + 1 + damage[2] % 3) % SEEDS.size());
        int cut = damage[1] % bytes.length;
        byte[] spliced = Arrays.copyOf(bytes, cut + other.length - Math.min(cut, other.length));
        System.arraycopy(
            other,
            Math.min(cut, other.length),
            spliced,
            cut,
            other.length - Math.min(cut, other.length));
        bytes = spliced;
      }
    }
    try {
      BufferedImage image = decoder.decode(bytes);
      assertTrue(
          image.getWidth() > 0
              && image.getHeight() > 0
              && (long) image.getWidth() * image.getHeight() <= MAX_PIXELS);
    } catch (InvalidImageException expected) {
      assertReason(expected);
    }
  }

  @Property(tries = 300)
  void decoderRejectsRandomBytesWithAReason(@ForAll byte[] bytes) {
    // No supported format starts with a random byte pattern of this kind: PNG, JPEG, GIF, BMP all
    // need magic bytes.
    byte[] noMagic =
        bytes.length > 0
                && (bytes[0] == (byte) 0x89
                    || bytes[0] == (byte) 0xff
                    || bytes[0] == 'G'
                    || bytes[0] == 'B')
            ? Arrays.copyOfRange(bytes, 1, bytes.length)
            : bytes;
    InvalidImageException e =
        assertThrows(InvalidImageException.class, () -> decoder.decode(noMagic));
    assertReason(e);
  }

  @Property(tries = 200)
  void decoderRejectsTruncatedFilesWithAReason(
      @ForAll @IntRange(min = 0, max = 3) int seed, @ForAll @IntRange(min = 0, max = 11) int keep) {
    byte[] head = Arrays.copyOf(SEEDS.get(seed), keep); // shorter than any format's header
    assertReason(assertThrows(InvalidImageException.class, () -> decoder.decode(head)));
  }

  @Provide
  Arbitrary<int[]> damage() {
    return Arbitraries.integers()
        .between(0, 3)
        .flatMap(
            kind ->
                Arbitraries.integers()
                    .between(0, 1_000_000)
                    .flatMap(
                        pos ->
                            Arbitraries.integers()
                                .between(0, 255)
                                .map(v -> new int[] {kind, pos, v})));
  }

  private static List<byte[]> seeds() {
    BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillOval(5, 5, 25, 18);
    g.dispose();
    BufferedImage argb = new BufferedImage(24, 24, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(3, 3, 0x80ff0000);
    return List.of(encode(argb, "png"), encode(rgb, "jpg"), encode(rgb, "gif"), encode(rgb, "bmp"));
  }

  private static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
