package io.crossmodal.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A TensorFlow.js graph model as npm packages ship it: {@code model.json} (the frozen TensorFlow
 * graph's nodes and a weights manifest) beside its binary weight files. Reads the nodes and every
 * constant the manifest lists (float32, float16-quantised float32, int32) into float arrays in
 * TensorFlow's layout.
 *
 * <p>Immutable after {@link #read}; safe to share between threads.
 */
final class TfjsGraphModel {
  public static final String MODEL = "model.json";
  public static final String WEIGHTS = "model.bin";
  private static final JsonMapper JSON = new JsonMapper();

  /** One graph node: its op, its data inputs (control inputs dropped) and its attributes. */
  record Node(String name, String op, List<String> inputs, JsonNode attr) {
    /** A string attribute (TF.js stores them base64-encoded). */
    String string(String key) {
      JsonNode s = attr.path(key).path("s");
      return s.isMissingNode() ? null : new String(Base64.getDecoder().decode(s.asText()));
    }

    /** A string-list attribute, decoded. */
    List<String> strings(String key) {
      List<String> out = new ArrayList<>();
      for (JsonNode s : attr.path(key).path("list").path("s")) {
        out.add(new String(Base64.getDecoder().decode(s.asText())));
      }
      return out;
    }

    /** An int-list attribute. */
    long[] ints(String key) {
      JsonNode list = attr.path(key).path("list").path("i");
      long[] out = new long[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = list.get(i).asLong();
      }
      return out;
    }

    boolean bool(String key) {
      return attr.path(key).path("b").asBoolean(false);
    }
  }

  /** A constant as the file stores it: its manifest entry and its bytes. */
  private record Stored(JsonNode spec, byte[] bytes) {}

  private final Map<String, JsonNode> rawNodes;
  private final Map<String, Node> nodes;
  private final Map<String, Weight> weights;
  private final Map<String, Stored> stored;

  private TfjsGraphModel(
      Map<String, JsonNode> rawNodes,
      Map<String, Node> nodes,
      Map<String, Weight> weights,
      Map<String, Stored> stored) {
    this.rawNodes = rawNodes;
    this.nodes = nodes;
    this.weights = weights;
    this.stored = stored;
  }

  /** Nodes by name, in the file's order. */
  Map<String, Node> nodes() {
    return nodes;
  }

  Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name + " in the graph");
    }
    return n;
  }

  /** The constant a node names, or null when it is not one. */
  Weight constant(String name) {
    return weights.get(name);
  }

  /** Reads {@code model.json} and the weight files its manifest names, beside it. */
  static TfjsGraphModel read(Path modelJson) throws IOException {
    return read(
        Files.readAllBytes(modelJson), file -> Files.readAllBytes(modelJson.resolveSibling(file)));
  }

  /** The weight files' bytes by the name the manifest gives them. */
  interface WeightFiles {
    byte[] read(String name) throws IOException;
  }

  static TfjsGraphModel read(byte[] modelJson, WeightFiles files) throws IOException {
    JsonNode root = JSON.readTree(modelJson);
    Map<String, JsonNode> rawNodes = new LinkedHashMap<>();
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (JsonNode n : root.path("modelTopology").path("node")) {
      List<String> inputs = new ArrayList<>();
      for (JsonNode in : n.path("input")) {
        String s = in.asText();
        if (!s.startsWith("^")) {
          inputs.add(s.endsWith(":0") ? s.substring(0, s.length() - 2) : s);
        }
      }
      String name = n.get("name").asText();
      rawNodes.put(name, n);
      nodes.put(name, new Node(name, n.get("op").asText(), List.copyOf(inputs), n.path("attr")));
    }
    Map<String, Weight> weights = new LinkedHashMap<>();
    Map<String, Stored> stored = new LinkedHashMap<>();
    for (JsonNode group : root.path("weightsManifest")) {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (JsonNode path : group.path("paths")) {
        joined.write(files.read(path.asText()));
      }
      ByteBuffer data = ByteBuffer.wrap(joined.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode spec : group.path("weights")) {
        int[] shape = JSON.convertValue(spec.get("shape"), int[].class);
        int count = 1;
        for (int d : shape) {
          count *= d;
        }
        String encoding =
            spec.path("quantization").path("dtype").asText(spec.get("dtype").asText());
        int start = data.position();
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
          values[i] =
              switch (encoding) {
                case "float32" -> data.getFloat();
                case "float16" -> halfToFloat(data.getShort());
                case "int32" -> data.getInt();
                default ->
                    throw new IOException(
                        "unsupported weight encoding for " + spec.get("name") + ": " + encoding);
              };
        }
        String name = spec.get("name").asText();
        weights.put(name, new Weight(shape, values));
        stored.put(
            name, new Stored(spec, Arrays.copyOfRange(data.array(), start, data.position())));
      }
      if (data.hasRemaining()) {
        throw new IOException("weights manifest leaves " + data.remaining() + " bytes unread");
      }
    }
    return new TfjsGraphModel(rawNodes, nodes, weights, stored);
  }

  /**
   * Writes the nodes {@code roots} depend on and their constants, stored as the source stores them
   * (bit for bit), as {@value #MODEL} and {@value #WEIGHTS} in {@code dir}: how a tower is bundled
   * with only what its features need.
   *
   * @return the bytes of weight data written
   */
  long write(Path dir, List<String> roots) throws IOException {
    Set<String> keep = new LinkedHashSet<>(TfjsGraphOnnx.order(this, roots));
    for (String name : List.copyOf(keep)) {
      keep.addAll(nodes.get(name).inputs());
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode kept = root.putObject("modelTopology").putArray("node");
    ArrayNode specs = JSON.createArrayNode();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Map.Entry<String, JsonNode> e : rawNodes.entrySet()) {
      if (keep.contains(e.getKey())) {
        kept.add(e.getValue());
        Stored s = stored.get(e.getKey());
        if (s != null) {
          specs.add(s.spec());
          data.write(s.bytes());
        }
      }
    }
    ObjectNode group = root.putArray("weightsManifest").addObject();
    group.putArray("paths").add(WEIGHTS);
    group.set("weights", specs);
    Files.createDirectories(dir);
    Files.write(dir.resolve(WEIGHTS), data.toByteArray());
    Files.write(dir.resolve(MODEL), JSON.writeValueAsBytes(root));
    return data.size();
  }

  /** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // subnormal: mantissa * 2^-24
      float v = mantissa * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
