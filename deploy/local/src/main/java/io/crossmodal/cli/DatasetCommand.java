package io.crossmodal.cli;

import io.crossmodal.model.data.DatasetBuilder;
import java.nio.file.Path;

/** {@code dataset build}: fetches Debian packages into the cache and writes the JSONL manifest. */
final class DatasetCommand implements Command {
  @Override
  public String summary() {
    return "build the offline training/evaluation manifest (dataset build [--cache DIR] [--out FILE])";
  }

  @Override
  public int run(Options o) throws Exception {
    Path cache = o.path("cache", Options.home().resolve(".cache/dataset"));
    Path out = o.path("out", Options.home().resolve("data/dataset/manifest.jsonl"));
    o.requireAllUsed();
    if (!o.positional().equals(java.util.List.of("build"))) {
      System.err.println("usage: ./crossmodal dataset build [--cache DIR] [--out FILE]");
      return 2;
    }
    DatasetBuilder.Summary s = DatasetBuilder.build(cache, out);
    System.out.printf("wrote %s: items by split %s; dropped %d duplicate images and %d items repeating a title%n",
        s.manifest(), s.bySplit(), s.duplicateImages(), s.repeatedTitles());
    return 0;
  }
}
