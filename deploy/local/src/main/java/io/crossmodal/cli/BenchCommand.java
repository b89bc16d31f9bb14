package io.crossmodal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.JointEncoder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench encoder}: end-to-end encode throughput of the model (decode + preprocess + tower +
 * head for images; tokenise + tower + head for texts) at batch sizes 1, 8, 32 and 128, on the
 * committed sample's images and captions.
 */
final class BenchCommand implements Command {
  @Override
  public String summary() {
    return "bench encoder|search|e2e [--seconds S] [--vectors N] [--queries Q] [--warmup W] [--clients C] [--set search.http.route=topics] [--json]: "
        + "encoder images/s and texts/s; search kernel q/s, p50/p99, bandwidth; POST /v1/search latency end to end";
  }

  @Override
  public int run(Options o) throws Exception {
    Path modelFile = o.path("model", null);
    double seconds = Double.parseDouble(o.get("seconds", "10"));
    boolean asJson = o.flag("json");
    Path sample = o.path("sample", Options.home().resolve("deploy/local/sample/manifest.jsonl"));
    int vectors = o.getInt("vectors", 100_000);
    int queries = o.getInt("queries", 300);
    int warmup = o.getInt("warmup", 500);
    int clients = o.getInt("clients", 1);
    Config config = ServiceConfig.from(o);
    o.requireAllUsed();
    if (o.positional().equals(List.of("search"))) {
      return searchBench(seconds, asJson);
    }
    if (o.positional().equals(List.of("e2e"))) {
      ObjectNode result = EndToEndBench.run(config, DefaultModel.load(modelFile), Manifest.read(sample), vectors, warmup, queries,
          clients, !asJson);
      if (asJson) {
        System.out.println(result);
      }
      return 0;
    }
    if (!o.positional().equals(List.of("encoder"))) {
      System.err.println("usage: ./crossmodal " + summary());
      return 2;
    }
    List<Item> items = Manifest.read(sample);
    List<byte[]> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Item i : items) {
      images.add(Files.readAllBytes(Path.of(i.image())));
      texts.add(i.captions().get(i.captions().size() - 1));
    }
    ImageDecoder decoder = new ImageDecoder(16 << 20, 40_000_000);
    ObjectNode out = Json.MAPPER.createObjectNode();
    try (JointEncoder encoder = new JointEncoder(DefaultModel.load(modelFile), Runtime.getRuntime().availableProcessors())) {
      out.put("model", encoder.modelId()).put("image_size", encoder.spec().imageSize()).put("cores", Runtime.getRuntime().availableProcessors());
      for (int batch : new int[] {1, 8, 32, 128}) {
        double imagesPerSecond = rate(batch, seconds, start -> {
          List<BufferedImage> decoded = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            decoded.add(decoder.decode(images.get((start + i) % images.size())));
          }
          encoder.encodeImages(decoded);
        });
        double textsPerSecond = rate(batch, seconds, start -> {
          List<String> chunk = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            chunk.add(texts.get((start + i) % texts.size()));
          }
          encoder.encodeTexts(chunk);
        });
        out.put("images_per_s_batch_" + batch, Math.round(imagesPerSecond * 10) / 10.0);
        out.put("texts_per_s_batch_" + batch, Math.round(textsPerSecond * 10) / 10.0);
        if (!asJson) {
          System.out.printf("batch %3d: %8.1f images/s %8.1f texts/s%n", batch, imagesPerSecond, textsPerSecond);
        }
      }
    }
    if (asJson) {
      System.out.println(out);
    }
    return 0;
  }

  private static int searchBench(double seconds, boolean asJson) {
    ObjectNode result = SearchBench.run(seconds, Json.MAPPER.createObjectNode(), !asJson);
    if (asJson) {
      System.out.println(result);
    }
    return 0;
  }

  interface Work {
    void run(int start) throws Exception;
  }

  /** Items per second after one warm-up call, over at least {@code seconds} and 3 calls. */
  private static double rate(int batch, double seconds, Work work) throws Exception {
    work.run(0);
    long start = System.nanoTime();
    int calls = 0;
    while (calls < 3 || System.nanoTime() - start < seconds * 1e9) {
      work.run(calls * batch);
      calls++;
    }
    return calls * batch / ((System.nanoTime() - start) / 1e9);
  }
}
