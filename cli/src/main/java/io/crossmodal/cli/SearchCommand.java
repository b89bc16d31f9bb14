package io.crossmodal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Options;
import io.crossmodal.common.serde.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * {@code search}: one query from the terminal through {@code POST /v1/search}; prints the ranked
 * table.
 */
final class SearchCommand implements Command {
  @Override
  public String summary() {
    return "one query: search \"text\" | --image FILE | --media-id ID [--k 10] [--target image|text|any] [--mode vector|lexical|hybrid] [--after TOKEN] [--url U]";
  }

  @Override
  public int run(Options o) throws Exception {
    String url = o.get("url", "http://localhost:8083");
    int k = o.getInt("k", 10);
    String target = o.get("target", "any");
    Path image = o.path("image", null);
    String mediaId = o.get("media-id", null);
    String mode = o.get("mode", null);
    String after = o.get("after", null);
    o.requireAllUsed();
    var body = Json.MAPPER.createObjectNode().put("k", k).put("target", target);
    if (mode != null) {
      body.put("mode", mode); // default: the service's (hybrid for text)
    }
    if (after != null) {
      body.put("after", after); // a position token from an ingest answer: read your write
    }
    if (image != null) {
      body.put("image", Base64.getEncoder().encodeToString(Files.readAllBytes(image)));
    } else if (mediaId != null) {
      body.put("mediaId", mediaId);
    } else if (!o.positional().isEmpty()) {
      body.put("text", String.join(" ", o.positional()));
    } else {
      System.err.println("usage: ./crossmodal search \"a red car\" | --image FILE | --media-id ID");
      return 2;
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/v1/search"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode result = Json.MAPPER.readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println(
          "HTTP " + response.statusCode() + ": " + result.path("error").asText(response.body()));
      return 1;
    }
    System.out.printf(
        "%-4s %-8s %-15s %-6s %-36s %s%n",
        "rank", "score", "found by", "kind", "id", "caption / text");
    int rank = 1;
    for (JsonNode hit : result.path("hits")) {
      JsonNode m = hit.path("metadata");
      String label = m.path("caption").asText(m.path("text").asText(""));
      String signals = String.join("+", (Iterable<String>) () -> hit.path("signals").fieldNames());
      System.out.printf(
          "%-4d %-8.4f %-15s %-6s %-36s %s%n",
          rank++,
          hit.path("score").asDouble(),
          signals,
          hit.path("modality").asText(),
          hit.path("id").asText(),
          label);
    }
    JsonNode t = result.path("timings");
    System.out.printf(
        "model %s, shards %d/%d, encode %.1f ms, slowest shard %.1f ms, total %.1f ms%n",
        result.path("model").asText(),
        result.path("shardsAnswered").asInt(),
        result.path("shardsTotal").asInt(),
        t.path("encode").asDouble(),
        t.path("searchMax").asDouble(),
        t.path("total").asDouble());
    return 0;
  }
}
