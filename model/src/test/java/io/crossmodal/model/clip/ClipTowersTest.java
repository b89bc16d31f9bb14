package io.crossmodal.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLIP-format towers folder (random weights, real graph shapes) gives the vectors computed by
 * hand.
 */
class ClipTowersTest {
  @TempDir Path tmp;

  private final ClipShapedFolder model = new ClipShapedFolder(7);

  @Test
  void shouldTokeniseLikeClipWhenGivenAHuggingFaceBpeFile() throws Exception {
    var tokenizer = ClipTowers.tokenizer(TowersFolder.read(model.write(tmp.resolve("m"))));

    assertArrayEquals(
        new int[] {model.bos, id("a</w>"), id("red</w>"), id("car</w>"), id("!</w>"), model.eos},
        tokenizer.encode("A   Red car!"));
    // "d o" merges but "do t</w>" is no merge: two tokens.
    assertArrayEquals(
        new int[] {model.bos, id("do"), id("t</w>"), model.eos}, tokenizer.encode("dot"));
    int[] long_ = tokenizer.encode("a b c d e f g h i j");
    assertEquals(ClipShapedFolder.CONTEXT, long_.length);
    assertEquals(model.eos, long_[long_.length - 1]);
    assertEquals(id("f</w>"), long_[long_.length - 2]);
  }

  @Test
  void shouldGiveTheHandComputedVectorsWhenEncodingImagesAndTexts() throws Exception {
    try (ClipTowers towers = ClipTowers.load(model.write(tmp.resolve("m")), 2)) {
      BufferedImage first = randomImage(1);
      BufferedImage second = randomImage(2);
      float[][] images = towers.encodeImages(List.of(first, second));
      assertEquals(ClipShapedFolder.DIM, towers.dim());
      assertArrayEquals(expectedImage(first), images[0], 1e-4f);
      assertArrayEquals(expectedImage(second), images[1], 1e-4f);

      float[][] texts = towers.encodeTexts(List.of("a red dog", "car"));
      assertArrayEquals(
          expectedText(model.bos, id("a</w>"), id("red</w>"), id("dog</w>"), model.eos),
          texts[0],
          1e-4f);
      assertArrayEquals(expectedText(model.bos, id("car</w>"), model.eos), texts[1], 1e-4f);
      // Padded to the context length: a text's vector does not depend on its batch-mates.
      assertArrayEquals(texts[1], towers.encodeTexts(List.of("car"))[0], 1e-6f);
      assertArrayEquals(
          images[1], towers.withOwnImageTower().encodeImages(List.of(second))[0], 1e-5f);
    }
  }

  @Test
  void shouldDeriveTheModelIdFromTheFilesWhenReadingAFolder() throws Exception {
    Path dir = model.write(tmp.resolve("m"));
    String id = TowersFolder.read(dir).modelId();
    assertTrue(id.matches("clip-[0-9a-f]{16}"), id);
    assertEquals(id, TowersFolder.read(model.write(tmp.resolve("same"))).modelId());
    Path other = new ClipShapedFolder(8).write(tmp.resolve("other"));
    assertNotEquals(id, TowersFolder.read(other).modelId());
  }

  @Test
  void shouldNameWhatIsMissingOrUnsupportedWhenAFolderCannotServe() throws Exception {
    Path dir = model.write(tmp.resolve("m"));
    Files.delete(dir.resolve(TowersFolder.TEXT));
    var missing = assertThrows(IOException.class, () -> TowersFolder.read(dir));
    assertTrue(missing.getMessage().contains("text.onnx"), missing.getMessage());

    Path unigram = model.write(tmp.resolve("u"));
    Files.writeString(
        unigram.resolve(TowersFolder.TOKENIZER),
        "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
    var unsupported =
        assertThrows(
            IllegalArgumentException.class, () -> ClipTowers.tokenizer(TowersFolder.read(unigram)));
    assertTrue(unsupported.getMessage().contains("Unigram"), unsupported.getMessage());
  }

  private int id(String token) {
    return model.vocab.get(token);
  }

  private static BufferedImage randomImage(long seed) {
    BufferedImage image =
        new BufferedImage(ClipShapedFolder.SIZE, ClipShapedFolder.SIZE, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(seed);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  /** Normalise, 8×8 patch convolution, ReLU, mean over the 16 patches, projection, unit length. */
  private float[] expectedImage(BufferedImage image) {
    int s = ClipShapedFolder.SIZE;
    int p = ClipShapedFolder.PATCH;
    int c = ClipShapedFolder.CHANNELS;
    double[] pooled = new double[c];
    for (int py = 0; py < s / p; py++) {
      for (int px = 0; px < s / p; px++) {
        for (int o = 0; o < c; o++) {
          double sum = model.convBias[o];
          for (int ch = 0; ch < 3; ch++) {
            for (int ky = 0; ky < p; ky++) {
              for (int kx = 0; kx < p; kx++) {
                int rgb = image.getRGB(px * p + kx, py * p + ky);
                double v = ((rgb >> (16 - 8 * ch)) & 0xff) / 255.0;
                v = (v - ClipShapedFolder.MEAN[ch]) / ClipShapedFolder.STD[ch];
                sum += v * model.conv[((o * 3 + ch) * p + ky) * p + kx];
              }
            }
          }
          pooled[o] += Math.max(0, sum) / ((s / p) * (s / p));
        }
      }
    }
    return unit(project(pooled, model.imageProjection, ClipShapedFolder.DIM));
  }

  /** Sum of the tokens' embeddings (the graph's masked sum), projection, unit length. */
  private float[] expectedText(int... ids) {
    double[] sum = new double[ClipShapedFolder.WIDTH];
    for (int id : ids) {
      for (int d = 0; d < sum.length; d++) {
        sum[d] += model.embedding[id * ClipShapedFolder.WIDTH + d];
      }
    }
    return unit(project(sum, model.textProjection, ClipShapedFolder.DIM));
  }

  private static double[] project(double[] x, float[] weights, int dim) {
    double[] out = new double[dim];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < dim; j++) {
        out[j] += x[i] * weights[i * dim + j];
      }
    }
    return out;
  }

  private static float[] unit(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(norm));
    }
    return out;
  }
}
