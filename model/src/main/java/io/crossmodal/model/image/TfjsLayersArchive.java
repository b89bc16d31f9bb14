package io.crossmodal.model.image;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TensorFlow.js layers model as the npm package {@code nsfwjs} ships it: the Keras topology and
 * the weights manifest as a minified JavaScript object literal, and the uint8-quantised weights as
 * one base64 string in a second script. Reads both without a JavaScript engine and dequantises
 * every weight ({@code q * scale + min}) into a float array in Keras layout (row-major, channels
 * last).
 *
 * <p>Immutable after {@link #read}; safe to share between threads.
 */
final class TfjsLayersArchive {
  private static final Pattern BASE64_LITERAL = Pattern.compile("\"([A-Za-z0-9+/=]{1024,})\"");
  private static final JsonMapper LENIENT_JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
          .build();

  /** One dequantised weight tensor: Keras shape and values in row-major order. */
  public record Weight(int[] shape, float[] values) {}

  private final JsonNode modelConfig;
  private final Map<String, Weight> weights;

  private TfjsLayersArchive(JsonNode modelConfig, Map<String, Weight> weights) {
    this.modelConfig = modelConfig;
    this.weights = weights;
  }

  /** An archive built in memory (tests of the graph writers). */
  static TfjsLayersArchive of(JsonNode modelConfig, Map<String, Weight> weights) {
    return new TfjsLayersArchive(modelConfig, weights);
  }

  /** The Keras {@code model_config.config} node: {@code layers}, {@code input_layers}, … */
  public JsonNode modelConfig() {
    return modelConfig;
  }

  /** Weights by Keras name, e.g. {@code Conv1/kernel}; insertion order is the manifest's. */
  public Map<String, Weight> weights() {
    return weights;
  }

  public Weight weight(String name) {
    Weight w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("weight not in archive: " + name);
    }
    return w;
  }

  public static TfjsLayersArchive read(InputStream topologyScript, InputStream weightsScript)
      throws IOException {
    return read(topologyScript, List.of(weightsScript));
  }

  /**
   * @param weightShards the weight scripts in the manifest's order; their data is one byte sequence
   */
  public static TfjsLayersArchive read(InputStream topologyScript, List<InputStream> weightShards)
      throws IOException {
    String topologyJs = new String(topologyScript.readAllBytes(), StandardCharsets.UTF_8);
    JsonNode root =
        LENIENT_JSON.readTree(toJson(objectLiteralContaining(topologyJs, "modelTopology:")));
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (InputStream shard : weightShards) {
      joined.write(Base64.getDecoder().decode(longestBase64Literal(shard)));
    }
    byte[] data = joined.toByteArray();
    Map<String, Weight> weights = new LinkedHashMap<>();
    int offset = 0;
    for (JsonNode spec : root.path("weightsManifest").get(0).path("weights")) {
      int[] shape = LENIENT_JSON.convertValue(spec.get("shape"), int[].class);
      int count = 1;
      for (int d : shape) {
        count *= d;
      }
      JsonNode quantization = spec.path("quantization");
      if (!"uint8".equals(quantization.path("dtype").asText())) {
        throw new IOException(
            "unsupported weight encoding for " + spec.get("name") + ": " + quantization);
      }
      double scale = quantization.get("scale").asDouble();
      double min = quantization.get("min").asDouble();
      float[] values = new float[count];
      for (int i = 0; i < count; i++) {
        values[i] = (float) ((data[offset + i] & 0xff) * scale + min);
      }
      offset += count;
      weights.put(spec.get("name").asText(), new Weight(shape, values));
    }
    if (offset != data.length) {
      throw new IOException(
          "weights manifest covers " + offset + " bytes, shard has " + data.length);
    }
    return new TfjsLayersArchive(
        root.path("modelTopology").path("model_config").path("config"), weights);
  }

  private static String longestBase64Literal(InputStream weightsScript) throws IOException {
    String js = new String(weightsScript.readAllBytes(), StandardCharsets.US_ASCII);
    Matcher m = BASE64_LITERAL.matcher(js);
    String best = null;
    while (m.find()) {
      if (best == null || m.group(1).length() > best.length()) {
        best = m.group(1);
      }
    }
    if (best == null) {
      throw new IOException("no base64 weight data in the weights script");
    }
    return best;
  }

  /** The balanced {@code {...}} literal that directly contains {@code marker}. */
  static String objectLiteralContaining(String js, String marker) throws IOException {
    int at = js.indexOf(marker);
    if (at < 0) {
      throw new IOException("marker not found in script: " + marker);
    }
    int start = js.lastIndexOf('{', at);
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < js.length(); i++) {
      char c = js.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return js.substring(start, i + 1);
      }
    }
    throw new IOException("unbalanced object literal after " + marker);
  }

  /** Rewrites the minifier's {@code !0}/{@code !1} booleans; the rest is lenient JSON already. */
  static String toJson(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    boolean inString = false;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(literal.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c == '!'
          && i + 1 < literal.length()
          && (literal.charAt(i + 1) == '0' || literal.charAt(i + 1) == '1')) {
        out.append(literal.charAt(++i) == '0' ? "true" : "false");
      } else if (c == '.' && (i == 0 || !Character.isDigit(literal.charAt(i - 1)))) {
        out.append("0.");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
