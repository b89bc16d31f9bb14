package io.crossmodal.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.image.TfjsLayersArchive.Weight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes part of a TF.js layers model — the layers some chosen layers depend on and their weights,
 * uint8-quantised per tensor as TF.js does — as the two scripts {@link TfjsLayersArchive} reads:
 * how the InceptionV3 tower is bundled with only what its features need.
 */
final class TfjsLayersWriter {
  public static final String TOPOLOGY = "model.min.js";
  public static final String WEIGHTS = "group1-shard1of1.min.js";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TfjsLayersWriter() {}

  /**
   * @return the bytes of weight data written
   */
  public static long write(TfjsLayersArchive archive, Set<String> layers, Path dir)
      throws IOException {
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode layer : archive.modelConfig().get("layers")) {
      if (layers.contains(layer.get("name").asText())) {
        kept.add(layer);
      }
    }
    ArrayNode specs = JSON.createArrayNode();
    List<byte[]> data = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, Weight> e : archive.weights().entrySet()) {
      if (!layers.contains(e.getKey().substring(0, e.getKey().indexOf('/')))) {
        continue;
      }
      float[] v = e.getValue().values();
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float x : v) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      // The source was quantised the same way (its values sit on 256 levels from min to max), so
      // rounding to the nearest level gives its bytes back.
      double scale = max > min ? (max - min) / 255.0 : 1.0;
      byte[] q = new byte[v.length];
      for (int i = 0; i < v.length; i++) {
        q[i] = (byte) Math.round((v[i] - min) / scale);
      }
      data.add(q);
      bytes += q.length;
      ObjectNode spec = specs.addObject().put("name", e.getKey()).put("dtype", "float32");
      ArrayNode shape = spec.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      spec.putObject("quantization").put("dtype", "uint8").put("min", min).put("scale", scale);
    }
    ObjectNode topology = JSON.createObjectNode();
    topology
        .putObject("model_config")
        .put("class_name", "Model")
        .putObject("config")
        .set("layers", kept);
    ArrayNode manifest = JSON.createArrayNode();
    manifest.addObject().set("weights", specs);
    Files.createDirectories(dir);
    // Unquoted top-level keys, as the TF.js scripts have them: the reader looks for
    // "modelTopology:".
    Files.writeString(
        dir.resolve(TOPOLOGY),
        "var model={modelTopology:"
            + JSON.writeValueAsString(topology)
            + ",weightsManifest:"
            + JSON.writeValueAsString(manifest)
            + "};\n",
        StandardCharsets.UTF_8);
    byte[] all = new byte[(int) bytes];
    int at = 0;
    for (byte[] q : data) {
      System.arraycopy(q, 0, all, at, q.length);
      at += q.length;
    }
    Files.writeString(
        dir.resolve(WEIGHTS),
        "var weights=\"" + Base64.getEncoder().encodeToString(all) + "\";\n",
        StandardCharsets.US_ASCII);
    return bytes;
  }
}
