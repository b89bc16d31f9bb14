package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code openclipart-png} images paired with the RDF metadata of the matching {@code
 * openclipart-svg} file: title, keywords ({@code dc:subject}) and description.
 *
 * <p>The SVG is scanned with regular expressions, not an XML parser, because many files declare
 * external DTDs that a parser would try to fetch.
 */
final class OpenClipartSource {
  public static final String LICENCE =
      "Public domain (Open Clip Art Library; Debian openclipart-png/-svg)";
  private static final Pattern TITLE = Pattern.compile("<dc:title>([^<]*)</dc:title>");
  private static final Pattern DESCRIPTION =
      Pattern.compile("<dc:description>([^<]*)</dc:description>");
  private static final Pattern SUBJECT =
      Pattern.compile("<dc:subject>(.*?)</dc:subject>", Pattern.DOTALL);
  private static final Pattern KEYWORD = Pattern.compile("<rdf:li>([^<]*)</rdf:li>");
  private static final Set<String> NOISE =
      Set.of("unsorted", "clip art", "clipart", "image", "media", "public domain", "png", "svg");
  private static final int MAX_KEYWORDS = 8;

  private OpenClipartSource() {}

  /** Items for every PNG under {@code root/usr/share/openclipart/png} that has a caption. */
  public static List<Item> read(Path root) throws IOException {
    Path png = root.resolve("usr/share/openclipart/png");
    Path svg = root.resolve("usr/share/openclipart/svg");
    List<Item> items = new ArrayList<>();
    try (Stream<Path> files = Files.walk(png)) {
      for (Path image : files.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
        Path rel = png.relativize(image);
        Path meta = svg.resolve(rel.toString().replaceFirst("\\.png$", ".svg"));
        String category = rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
        List<String> captions =
            Files.exists(meta)
                ? captions(Files.readString(meta, StandardCharsets.UTF_8), image)
                : List.of(fromFileName(image));
        items.add(new Item("", image.toString(), captions, "openclipart", LICENCE, "", category));
      }
    }
    return items;
  }

  /** Title; title with keywords; description when present and different. */
  static List<String> captions(String svg, Path image) {
    String title = first(TITLE, svg);
    if (title.isBlank()) {
      title = fromFileName(image);
    }
    Set<String> keywords = new LinkedHashSet<>();
    Matcher subject = SUBJECT.matcher(svg);
    if (subject.find()) {
      Matcher k = KEYWORD.matcher(subject.group(1));
      while (k.find() && keywords.size() < MAX_KEYWORDS) {
        String word = clean(k.group(1)).toLowerCase(Locale.ROOT);
        if (!word.isEmpty()
            && !NOISE.contains(word)
            && !title.toLowerCase(Locale.ROOT).equals(word)) {
          keywords.add(word);
        }
      }
    }
    Set<String> captions = new LinkedHashSet<>();
    captions.add(title);
    if (!keywords.isEmpty()) {
      captions.add(title + ": " + String.join(", ", keywords));
    }
    String description = first(DESCRIPTION, svg);
    if (description.length() > 3 && !description.equalsIgnoreCase(title)) {
      captions.add(description.length() > 300 ? description.substring(0, 300) : description);
    }
    return new ArrayList<>(captions);
  }

  private static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? clean(m.group(1)) : "";
  }

  static String fromFileName(Path image) {
    String name = image.getFileName().toString().replaceFirst("\\.png$", "");
    return clean(name.replaceAll("_\\d+$", "").replace('_', ' ').replace('-', ' '));
  }

  static String clean(String s) {
    return s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replaceAll("\\s+", " ")
        .trim();
  }
}
