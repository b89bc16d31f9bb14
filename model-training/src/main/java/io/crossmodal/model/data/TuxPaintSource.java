package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's {@code tuxpaint-stamps-default}: stamp PNGs, each with a one-sentence English caption in
 * the first line of the {@code .txt} beside it ("A mercury thermometer."). Held out entirely as a
 * second, harder evaluation set of real sentences. SVG-only stamps are skipped (no SVG renderer in
 * the JDK).
 */
final class TuxPaintSource {
  public static final String LICENCE =
      "GPL-2.0 (Tux Paint stamps; Debian tuxpaint-stamps-default); not redistributed";
  public static final String SPLIT = "tuxpaint";

  private TuxPaintSource() {}

  public static List<Item> read(Path root) throws IOException {
    Path stamps = root.resolve("usr/share/tuxpaint/stamps");
    List<Item> items = new ArrayList<>();
    try (Stream<Path> files = Files.walk(stamps)) {
      for (Path image : files.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
        Path text =
            image.resolveSibling(image.getFileName().toString().replaceFirst("\\.png$", ".txt"));
        if (!Files.exists(text)) {
          continue;
        }
        String caption = OpenClipartSource.clean(firstLine(text));
        if (caption.isEmpty()) {
          continue;
        }
        Path rel = stamps.relativize(image);
        items.add(
            new Item(
                "",
                image.toString(),
                List.of(caption),
                "tuxpaint",
                LICENCE,
                SPLIT,
                rel.getNameCount() > 1 ? rel.getName(0).toString() : ""));
      }
    }
    return items;
  }

  private static String firstLine(Path text) throws IOException {
    byte[] bytes = Files.readAllBytes(text);
    String s = new String(bytes, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return nl >= 0 ? s.substring(0, nl) : s;
  }
}
