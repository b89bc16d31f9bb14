package io.crossmodal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Options;
import io.crossmodal.local.Soak;
import io.crossmodal.model.data.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code soak}: the crash test (see {@link Soak}); prints its figures, or one JSON object with
 * {@code --json}.
 */
final class SoakCommand implements Command {
  @Override
  public String summary() {
    return "crash test: stream items while killing encoder/search child JVMs and restarting the broker; "
        + "count lost and duplicated ([--items 2000] [--seed 1] [--json])";
  }

  @Override
  public int run(Options o) throws Exception {
    int items = o.getInt("items", 2000);
    long seed = o.getInt("seed", 1);
    boolean asJson = o.flag("json");
    Path sample = o.path("sample", Options.home().resolve("cli/sample/manifest.jsonl"));
    o.requireAllUsed();
    Path dir = Files.createTempDirectory("crossmodal-soak");
    ObjectNode result = new Soak(dir, items, Manifest.read(sample), seed).run(!asJson);
    if (asJson) {
      System.out.println(result);
    } else {
      result
          .fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("events")) {
                  System.out.printf("%-24s %s%n", e.getKey(), e.getValue());
                }
              });
      System.out.println("logs and data: " + dir);
    }
    boolean clean =
        result.get("lost").asInt() == 0
            && result.get("duplicated").asInt() == 0
            && result.get("results_missing").asInt() == 0
            && result.get("results_duplicated").asInt() == 0
            && result.get("bad_cases").asInt() == result.get("bad_cases_caught").asInt()
            && result.get("malformed_wrong").isEmpty();
    return clean ? 0 : 1;
  }
}
