package io.crossmodal.cli;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.Options;
import io.crossmodal.local.MediaLoader;
import io.crossmodal.model.data.CaptionFormats;
import io.crossmodal.model.data.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ingest}: bulk-loads a JSONL/COCO/Flickr manifest or a folder of images into the media
 * topics.
 */
final class IngestCommand implements Command {
  @Override
  public String summary() {
    return "bulk-load a manifest (JSONL, COCO, Flickr) or an image folder: ingest PATH [--images DIR] [--bootstrap-servers H:P]";
  }

  @Override
  public int run(Options o) throws Exception {
    Path imageDir = o.path("images", null);
    Config config = ServiceLauncher.config(o);
    o.requireAllUsed();
    if (o.positional().size() != 1) {
      System.err.println(
          "usage: ./crossmodal ingest PATH [--images DIR] [--bootstrap-servers H:P]");
      return 2;
    }
    Path path = Path.of(o.positional().get(0));
    List<Item> items =
        Files.isDirectory(path)
            ? folder(path)
            : CaptionFormats.read(path, imageDir == null ? path.getParent() : imageDir);
    int n = MediaLoader.load(config, items, true);
    System.out.println("published " + n + " images and their captions");
    return 0;
  }

  /** Every image file in a folder, captioned with its file name. */
  private static List<Item> folder(Path dir) throws Exception {
    List<Item> items = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f :
          files
              .filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g|gif|bmp)$"))
              .sorted()
              .toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        items.add(
            new Item(
                dir.relativize(f).toString(),
                f.toString(),
                List.of(name.replace('_', ' ').replace('-', ' ')),
                "folder",
                "",
                "",
                ""));
      }
    }
    return items;
  }
}
