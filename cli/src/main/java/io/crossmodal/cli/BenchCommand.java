package io.crossmodal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.Options;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ServedModel;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bench encoder} ({@link EncoderBench}), {@code bench search} ({@link SearchBench}) and
 * {@code bench e2e} ({@link EndToEndBench}) and {@code bench migrate} ({@link MigrationBench}).
 */
final class BenchCommand implements Command {
  @Override
  public String summary() {
    return "bench encoder|search|e2e|migrate [--seconds S] [--vectors N] [--queries Q] [--warmup W] [--clients C] [--mode vector|lexical|hybrid] [--set search.http.route=topics] [--json]: "
        + "encoder images/s and texts/s; search kernel q/s, p50/p99, bandwidth; POST /v1/search latency end to end;"
        + " migrate --next F [--items N]: re-embedding N items into the model F under a query load";
  }

  @Override
  public int run(Options o) throws Exception {
    Path modelFile = o.path("model", null);
    double seconds =
        Double.parseDouble(
            o.get("seconds", o.positional().equals(List.of("encoder")) ? "5" : "10"));
    boolean asJson = o.flag("json");
    Path sample = o.path("sample", Options.home().resolve("cli/sample/manifest.jsonl"));
    int vectors = o.getInt("vectors", 100_000);
    int queries = o.getInt("queries", 300);
    int warmup = o.getInt("warmup", 500);
    int clients = o.getInt("clients", 1);
    SearchMode mode = SearchMode.parse(o.get("mode", "hybrid"));
    Path next = o.path("next", null);
    int items = o.getInt("items", 5_000);
    Config config = ServiceLauncher.config(o);
    o.requireAllUsed();
    if (o.positional().equals(List.of("search"))) {
      return searchBench(seconds, asJson);
    }
    if (o.positional().equals(List.of("e2e"))) {
      ObjectNode result =
          EndToEndBench.run(
              config,
              ServedModel.entry(config, modelFile),
              Manifest.read(sample),
              vectors,
              warmup,
              queries,
              clients,
              mode,
              !asJson);
      if (asJson) {
        System.out.println(result);
      }
      return 0;
    }
    if (o.positional().equals(List.of("migrate"))) {
      if (next == null) {
        System.err.println("bench migrate needs --next F: the model file to migrate to");
        return 2;
      }
      ObjectNode result =
          MigrationBench.run(
              config,
              ServedModel.entry(config, modelFile),
              ServedModel.entry(config, next),
              Manifest.read(sample),
              items,
              !asJson);
      if (asJson) {
        System.out.println(result);
      }
      return 0;
    }
    if (!o.positional().equals(List.of("encoder"))) {
      System.err.println("usage: ./crossmodal " + summary());
      return 2;
    }
    ObjectNode out =
        EncoderBench.run(DefaultModel.load(modelFile), Manifest.read(sample), seconds, !asJson);
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
}
