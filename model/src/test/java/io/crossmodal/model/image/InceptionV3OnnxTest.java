package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The InceptionV3 writer against a naive reference on a small graph with the layer kinds the real
 * one has: a 3×3 'valid' convolution with BatchNorm and ReLU (Keras kernel layout, folding), a
 * 'valid' max pool, a channel concatenation, a 'same' average pool (divides by the pixels inside
 * the image), and features pooled from two layers. The real weights are not in the repo.
 */
class InceptionV3OnnxTest {
  private static final JsonNodeFactory J = JsonNodeFactory.instance;
  private static final int SIZE = 5;
  private static final int IN = 3;
  private static final int OUT = 2;

  @Test
  void shouldMatchANaiveReferenceWhenPoolingTwoLayers() throws Exception {
    Random random = new Random(3);
    float[] kernel = randoms(random, 3 * 3 * IN * OUT, 1); // Keras [kh, kw, in, out]
    float[] gamma = randoms(random, OUT, 1);
    float[] beta = randoms(random, OUT, 1);
    float[] mean = randoms(random, OUT, 0.5f);
    float[] variance = {0.5f, 2f};
    Map<String, Weight> weights = new LinkedHashMap<>();
    weights.put("conv/kernel", new Weight(new int[] {3, 3, IN, OUT}, kernel));
    weights.put("bn/gamma", new Weight(new int[] {OUT}, gamma));
    weights.put("bn/beta", new Weight(new int[] {OUT}, beta));
    weights.put("bn/moving_mean", new Weight(new int[] {OUT}, mean));
    weights.put("bn/moving_variance", new Weight(new int[] {OUT}, variance));
    ArrayNode layers = J.arrayNode();
    layers.add(layer("InputLayer", "input_1", J.objectNode()));
    ObjectNode conv =
        J.objectNode().put("use_bias", false).put("activation", "linear").put("padding", "valid");
    conv.set("strides", J.arrayNode().add(1).add(1));
    layers.add(layer("Conv2D", "conv", conv, "input_1"));
    layers.add(layer("BatchNormalization", "bn", J.objectNode().put("epsilon", 0.001), "conv"));
    layers.add(layer("Activation", "relu", J.objectNode().put("activation", "relu"), "bn"));
    layers.add(layer("MaxPooling2D", "max", pool("valid"), "input_1"));
    layers.add(layer("Concatenate", "mixed0", J.objectNode(), "relu", "max"));
    layers.add(layer("AveragePooling2D", "avg", pool("same"), "input_1"));
    TfjsLayersArchive archive = TfjsLayersArchive.of(J.objectNode().set("layers", layers), weights);

    float[] pixels = randoms(random, IN * SIZE * SIZE, 1); // NCHW, one image
    byte[] model = InceptionV3Onnx.export(archive, SIZE, List.of("mixed0", "avg"));
    float[] got;
    try (ImageTower tower =
        OnnxImageTower.of(model, SIZE, "inception_v3:mixed0+avg", 1, MobileNetV2Graph.FEATURES)) {
      got = tower.features(pixels, 1)[0];
    }

    float[] expected = new float[OUT + IN + IN];
    for (int o = 0; o < OUT; o++) {
      double scale = gamma[o] / Math.sqrt(variance[o] + 0.001);
      double sum = 0;
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 3; x++) {
          double sumIn = 0;
          for (int i = 0; i < IN; i++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                sumIn +=
                    kernel[((ky * 3 + kx) * IN + i) * OUT + o] * pixel(pixels, i, y + ky, x + kx);
              }
            }
          }
          sum += Math.max(0, (sumIn - mean[o]) * scale + beta[o]);
        }
      }
      expected[o] = (float) (sum / 9);
    }
    for (int i = 0; i < IN; i++) {
      double maxSum = 0;
      double avgSum = 0;
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          double max = Double.NEGATIVE_INFINITY;
          double inside = 0;
          int count = 0;
          for (int ky = -1; ky <= 1; ky++) {
            for (int kx = -1; kx <= 1; kx++) {
              if (y + ky >= 0 && y + ky < SIZE && x + kx >= 0 && x + kx < SIZE) {
                inside += pixel(pixels, i, y + ky, x + kx);
                count++;
              }
              if (y < 3 && x < 3) {
                max = Math.max(max, pixel(pixels, i, y + ky + 1, x + kx + 1));
              }
            }
          }
          avgSum += inside / count;
          if (y < 3 && x < 3) {
            maxSum += max;
          }
        }
      }
      expected[OUT + i] = (float) (maxSum / 9);
      expected[OUT + IN + i] = (float) (avgSum / (SIZE * SIZE));
    }
    assertEquals(expected.length, got.length);
    assertArrayEquals(expected, got, 1e-4f);
  }

  @Test
  void shouldCountTheConvolutionsMultiplyAdds() {
    Map<String, Weight> weights =
        Map.of("conv/kernel", new Weight(new int[] {3, 3, IN, OUT}, new float[3 * 3 * IN * OUT]));
    ArrayNode layers = J.arrayNode();
    layers.add(layer("InputLayer", "input_1", J.objectNode()));
    ObjectNode conv = J.objectNode().put("padding", "valid");
    conv.set("kernel_size", J.arrayNode().add(3).add(3));
    conv.set("strides", J.arrayNode().add(1).add(1));
    layers.add(layer("Conv2D", "conv", conv, "input_1"));
    TfjsLayersArchive archive = TfjsLayersArchive.of(J.objectNode().set("layers", layers), weights);
    assertEquals(
        3L * 3 * 3 * 3 * IN * OUT, InceptionV3Onnx.multiplyAdds(archive, SIZE, List.of("conv")));
  }

  private static double pixel(float[] chw, int c, int y, int x) {
    return chw[(c * SIZE + y) * SIZE + x];
  }

  private static float[] randoms(Random random, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (random.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  private static ObjectNode pool(String padding) {
    ObjectNode cfg = J.objectNode().put("padding", padding);
    cfg.set("pool_size", J.arrayNode().add(3).add(3));
    cfg.set("strides", J.arrayNode().add(1).add(1));
    return cfg;
  }

  private static ObjectNode layer(
      String className, String name, ObjectNode config, String... inputs) {
    ObjectNode layer = J.objectNode().put("class_name", className).put("name", name);
    layer.set("config", config);
    ArrayNode node = J.arrayNode();
    for (String in : inputs) {
      node.add(J.arrayNode().add(in).add(0).add(0).add(J.objectNode()));
    }
    layer.set("inbound_nodes", inputs.length == 0 ? J.arrayNode() : J.arrayNode().add(node));
    return layer;
  }
}
