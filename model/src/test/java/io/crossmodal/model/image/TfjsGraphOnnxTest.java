package io.crossmodal.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TF.js graph reader and ONNX writer against a naive NHWC reference on a small graph with the
 * ops of the MobileNetV3 backbone: a stride-2 'SAME' convolution with a fused bias and ReLU, a
 * hard-swish (constant Mul and Add, Relu6, Mul), a depthwise convolution with a fused bias, a
 * squeeze-excite (Mean over height and width, a per-channel constant, Sigmoid, Mul), and the
 * residual Add; weights as float16 and float32, the Mean's axes as int32, as the converter writes
 * them. The real weights are not in the repo.
 */
class TfjsGraphOnnxTest {
  private static final JsonNodeFactory J = JsonNodeFactory.instance;
  private static final int SIZE = 5;
  private static final int IN = 3;
  private static final int C = 4;

  @TempDir Path dir;

  @Test
  void shouldMatchANaiveReference() throws Exception {
    Random random = new Random(5);
    float[] k1 = halves(randoms(random, 3 * 3 * IN * C)); // [kh, kw, in, out]
    float[] b1 = randoms(random, C);
    float[] k2 = halves(randoms(random, 3 * 3 * C)); // depthwise [kh, kw, in, 1]
    float[] b2 = randoms(random, C);
    float[] se = randoms(random, C);
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    ArrayNode weights = J.arrayNode();
    ArrayNode nodes = J.arrayNode();
    nodes.add(node("images", "Placeholder"));
    constant(nodes, weights, bin, "k1", k1, "float16", 3, 3, IN, C);
    constant(nodes, weights, bin, "b1", b1, "float32", C);
    constant(nodes, weights, bin, "k2", k2, "float16", 3, 3, C, 1);
    constant(nodes, weights, bin, "b2", b2, "float32", C);
    constant(nodes, weights, bin, "sixth", new float[] {1f / 6}, "float32");
    constant(nodes, weights, bin, "three", new float[] {3}, "float32");
    constant(nodes, weights, bin, "se/w", se, "float32", C);
    constant(nodes, weights, bin, "axes", new float[] {1, 2}, "int32", 2);
    nodes.add(conv("conv", "_FusedConv2D", 2, List.of("BiasAdd", "Relu"), "images", "k1", "b1"));
    nodes.add(node("hs/mul", "Mul", "sixth", "conv"));
    nodes.add(node("hs/add", "Add", "conv", "three"));
    nodes.add(node("hs/relu6", "Relu6", "hs/add"));
    nodes.add(node("hs", "Mul", "hs/mul", "hs/relu6"));
    nodes.add(conv("dw", "FusedDepthwiseConv2dNative", 1, List.of("BiasAdd"), "hs", "k2", "b2"));
    ObjectNode mean = node("se/mean", "Mean", "dw", "axes");
    ((ObjectNode) mean.get("attr")).set("keep_dims", J.objectNode().put("b", true));
    nodes.add(mean);
    nodes.add(node("se/scaled", "Mul", "se/mean", "se/w"));
    nodes.add(node("se/gate", "Sigmoid", "se/scaled"));
    nodes.add(node("se", "Mul", "se/gate", "dw"));
    nodes.add(node("block", "Add", "se", "hs"));
    ObjectNode root = J.objectNode();
    root.putObject("modelTopology").set("node", nodes);
    ObjectNode group = J.objectNode();
    group.putArray("paths").add("model.bin");
    group.set("weights", weights);
    root.putArray("weightsManifest").add(group);
    Files.write(dir.resolve("model.bin"), bin.toByteArray());
    Files.writeString(dir.resolve("model.json"), new JsonMapper().writeValueAsString(root));

    TfjsGraphModel graph = TfjsGraphModel.read(dir.resolve("model.json"));
    float[] pixels = randoms(random, IN * SIZE * SIZE); // NCHW in [-1, 1]: any values do
    byte[] model = TfjsGraphOnnx.export(graph, SIZE, List.of("block", "conv"), 2f, -1f);
    float[] got;
    try (ImageTower tower = OnnxImageTower.of(model, SIZE, "t", 1, MobileNetV2Graph.FEATURES)) {
      got = tower.features(pixels, 1)[0];
    }

    // The reference, in TensorFlow's own layout: NHWC.
    float[][][] x = new float[SIZE][SIZE][IN];
    for (int c = 0; c < IN; c++) {
      for (int y = 0; y < SIZE; y++) {
        for (int w = 0; w < SIZE; w++) {
          x[y][w][c] = pixels[(c * SIZE + y) * SIZE + w] * 2f - 1f;
        }
      }
    }
    float[][][] conv = convSame(x, k1, b1, C, 2, false);
    relu(conv);
    float[][][] hs = map(conv, v -> v / 6 * Math.min(6, Math.max(0, v + 3)));
    float[][][] dw = convSame(hs, k2, b2, C, 1, true);
    float[] gate = new float[C];
    for (int c = 0; c < C; c++) {
      double s = 0;
      for (float[][] row : dw) {
        for (float[] p : row) {
          s += p[c];
        }
      }
      gate[c] = (float) (1 / (1 + Math.exp(-(s / (dw.length * dw.length)) * se[c])));
    }
    float[] expected = new float[2 * C];
    int side = conv.length;
    for (int y = 0; y < side; y++) {
      for (int w = 0; w < side; w++) {
        for (int c = 0; c < C; c++) {
          expected[c] += (dw[y][w][c] * gate[c] + hs[y][w][c]) / (side * side);
          expected[C + c] += conv[y][w][c] / (side * side);
        }
      }
    }
    assertEquals(3, side, "stride 2 over 5 pixels with SAME padding");
    assertArrayEquals(expected, got, 1e-4f);
    // 3×3×3×4 per output pixel of the 3×3 map, then 3×3×4×1 per pixel of the depthwise one.
    assertEquals(
        9L * (3 * 3 * IN * C) + 9L * (3 * 3 * C),
        TfjsGraphOnnx.multiplyAdds(graph, SIZE, List.of("block")));
  }

  @Test
  void shouldRefuseAnOpItDoesNotKnow(@TempDir Path other) throws Exception {
    ArrayNode nodes = J.arrayNode();
    nodes.add(node("images", "Placeholder"));
    nodes.add(node("odd", "Softplus", "images"));
    ObjectNode root = J.objectNode();
    root.putObject("modelTopology").set("node", nodes);
    root.putArray("weightsManifest");
    Files.writeString(other.resolve("model.json"), new JsonMapper().writeValueAsString(root));
    TfjsGraphModel graph = TfjsGraphModel.read(other.resolve("model.json"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TfjsGraphOnnx.export(graph, SIZE, List.of("odd"), 1f, 0f));
    assertTrue(e.getMessage().contains("Softplus"), e.getMessage());
  }

  @Test
  void shouldReadHalfPrecisionExactly() {
    assertEquals(1.0f, TfjsGraphModel.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, TfjsGraphModel.halfToFloat((short) 0xc000));
    assertEquals(65504f, TfjsGraphModel.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, TfjsGraphModel.halfToFloat((short) 0x0001));
    assertEquals(0.333251953125f, TfjsGraphModel.halfToFloat((short) 0x3555));
  }

  /** TensorFlow's SAME convolution in NHWC; depthwise: one filter per channel. */
  private static float[][][] convSame(
      float[][][] x, float[] k, float[] b, int out, int stride, boolean depthwise) {
    int in = x[0][0].length;
    int side = (x.length + stride - 1) / stride;
    int before = Math.max((side - 1) * stride + 3 - x.length, 0) / 2;
    float[][][] y = new float[side][side][out];
    for (int oy = 0; oy < side; oy++) {
      for (int ox = 0; ox < side; ox++) {
        for (int o = 0; o < out; o++) {
          double s = b[o];
          for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
              int iy = oy * stride + ky - before;
              int ix = ox * stride + kx - before;
              if (iy < 0 || ix < 0 || iy >= x.length || ix >= x.length) {
                continue;
              }
              if (depthwise) {
                s += k[(ky * 3 + kx) * in + o] * x[iy][ix][o];
              } else {
                for (int i = 0; i < in; i++) {
                  s += k[((ky * 3 + kx) * in + i) * out + o] * x[iy][ix][i];
                }
              }
            }
          }
          y[oy][ox][o] = (float) s;
        }
      }
    }
    return y;
  }

  private static void relu(float[][][] x) {
    for (float[][] row : x) {
      for (float[] p : row) {
        for (int c = 0; c < p.length; c++) {
          p[c] = Math.max(0, p[c]);
        }
      }
    }
  }

  private interface Op {
    float apply(float v);
  }

  private static float[][][] map(float[][][] x, Op op) {
    float[][][] y = new float[x.length][x[0].length][x[0][0].length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[0].length; j++) {
        for (int c = 0; c < x[0][0].length; c++) {
          y[i][j][c] = op.apply(x[i][j][c]);
        }
      }
    }
    return y;
  }

  private static ObjectNode node(String name, String op, String... inputs) {
    ObjectNode n = J.objectNode().put("name", name).put("op", op);
    ArrayNode in = n.putArray("input");
    for (String i : inputs) {
      in.add(i);
    }
    n.putObject("attr");
    return n;
  }

  private static ObjectNode conv(
      String name, String op, int stride, List<String> fused, String... inputs) {
    ObjectNode n = node(name, op, inputs);
    ObjectNode attr = (ObjectNode) n.get("attr");
    attr.putObject("strides").putObject("list").putArray("i").add(1).add(stride).add(stride).add(1);
    attr.putObject("padding").put("s", base64("SAME"));
    ArrayNode ops = attr.putObject("fused_ops").putObject("list").putArray("s");
    fused.forEach(f -> ops.add(base64(f)));
    return n;
  }

  private static void constant(
      ArrayNode nodes,
      ArrayNode weights,
      ByteArrayOutputStream bin,
      String name,
      float[] values,
      String stored,
      int... shape) {
    nodes.add(node(name, "Const"));
    ObjectNode spec = J.objectNode().put("name", name);
    ArrayNode dims = spec.putArray("shape");
    for (int d : shape) {
      dims.add(d);
    }
    spec.put("dtype", stored.equals("int32") ? "int32" : "float32");
    if (stored.equals("float16")) {
      spec.putObject("quantization").put("dtype", "float16").put("original_dtype", "float32");
    }
    weights.add(spec);
    int width = stored.equals("float16") ? 2 : 4;
    ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (stored) {
        case "float16" -> b.putShort(toHalf(v));
        case "int32" -> b.putInt((int) v);
        default -> b.putFloat(v);
      }
    }
    bin.writeBytes(b.array());
  }

  /** Values a half can hold exactly, so the reference and the reader see the same weights. */
  private static float[] halves(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.round(values[i] * 256) / 256f;
    }
    return values;
  }

  /** A half for a value of {@link #halves} (|v| ≤ 1, 8 fraction bits): exact. */
  private static short toHalf(float v) {
    if (v == 0) {
      return 0;
    }
    int bits = Float.floatToIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
    int mantissa = (bits >>> 13) & 0x3ff;
    return (short) (sign | (exponent << 10) | mantissa);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static float[] randoms(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }
}
