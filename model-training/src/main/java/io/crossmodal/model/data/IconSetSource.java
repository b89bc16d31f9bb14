package io.crossmodal.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.attributes.ViewBox;
import com.github.weisj.jsvg.parser.SVGLoader;
import java.awt.Component;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Colour icon and emoji sets from npm {@code @iconify-json/*} packages (SVG bodies with names),
 * rasterised once into the cache as PNG and captioned with their names ("alarm-clock" → "alarm
 * clock"). They bring concepts in a colour-drawing style close to the clip art; monochrome line
 * sets are left out because a frozen tower placed them far from colour drawings of the same concept
 * (measured in the model issue), and so are sets whose names are not words ({@code fxemoji}'s
 * "blacksmallsquare") or whose drawings are pale lines ({@code meteocons}). Skin-tone and size
 * variants repeat their base icon's concept and are skipped.
 */
public final class IconSetSource {
  /** One {@code @iconify-json} package; its licence is read from the package. */
  public record IconSet(String name, String version) {
    String packageName() {
      return "@iconify-json/" + name;
    }

    /** "emojione@1.2.3" → that set: for trying a set before it joins {@link #SETS}. */
    public static IconSet parse(String nameAtVersion) {
      int at = nameAtVersion.lastIndexOf('@');
      if (at <= 0 || at == nameAtVersion.length() - 1) {
        throw new IllegalArgumentException(
            "an icon set is name@version (of npm @iconify-json/name), got '" + nameAtVersion + "'");
      }
      return new IconSet(
          nameAtVersion.substring(0, at).strip(), nameAtVersion.substring(at + 1).strip());
    }
  }

  public static final List<IconSet> SETS =
      List.of(
          new IconSet("flat-color-icons", "1.2.3"),
          new IconSet("fluent-color", "1.2.21"),
          new IconSet("openmoji", "1.2.29"),
          new IconSet("streamline-emojis", "1.2.4"));
  public static final String SOURCE = "icons";

  /** Rasterised edge in pixels: above every tower input size used (96–224). */
  static final int EDGE = 256;

  private static final Pattern SKIN_TONE = Pattern.compile("skin-tone");

  /**
   * Size and fill suffixes ("add-circle-24", "barometer-fill"): the same concept as the bare name.
   */
  private static final Pattern SUFFIX = Pattern.compile("(-(\\d+|fill|static|filled|regular))+$");

  private IconSetSource() {}

  /**
   * Items for every usable icon of {@code set}, rasterising into {@code pngDir} what is not there
   * yet.
   */
  public static List<Item> read(IconSet set, Path packageRoot, Path pngDir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode icons = json.readTree(packageRoot.resolve("icons.json").toFile());
    String licence =
        json.readTree(packageRoot.resolve("package.json").toFile()).path("license").asText("")
            + " (npm "
            + set.packageName()
            + "@"
            + set.version()
            + ")";
    int width = icons.path("width").asInt(16);
    int height = icons.path("height").asInt(16);
    Map<String, JsonNode> byConcept = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = icons.path("icons").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> icon = it.next();
      String concept = caption(SUFFIX.matcher(icon.getKey()).replaceFirst(""));
      if (!SKIN_TONE.matcher(icon.getKey()).find()
          && !concept.isEmpty()
          && !icon.getValue().path("hidden").asBoolean(false)) {
        byConcept.putIfAbsent(concept, icon.getValue());
      }
    }
    Files.createDirectories(pngDir);
    List<Item> items = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : byConcept.entrySet()) {
      JsonNode icon = e.getValue();
      Path png = pngDir.resolve(e.getKey().replace(' ', '-') + ".png");
      if (!Files.exists(png) && !rasterise(svg(icon, width, height), png)) {
        continue;
      }
      items.add(new Item("", png.toString(), List.of(e.getKey()), SOURCE, licence, "", set.name()));
    }
    return items;
  }

  /** "alarm-clock" → "alarm clock". */
  static String caption(String name) {
    return name.replace('-', ' ').replace('_', ' ').trim().toLowerCase(Locale.ROOT);
  }

  static String svg(JsonNode icon, int defaultWidth, int defaultHeight) {
    int w = icon.path("width").asInt(defaultWidth);
    int h = icon.path("height").asInt(defaultHeight);
    int left = icon.path("left").asInt(0);
    int top = icon.path("top").asInt(0);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\""
        + w
        + "\" height=\""
        + h
        + "\" viewBox=\""
        + left
        + " "
        + top
        + " "
        + w
        + " "
        + h
        + "\" color=\"#000\">"
        + icon.path("body").asText()
        + "</svg>";
  }

  /**
   * Renders the SVG centred on a transparent square; false when the renderer cannot read or draw it
   * (one broken icon leaves that icon out, not the build).
   */
  static boolean rasterise(String svg, Path png) {
    BufferedImage image = new BufferedImage(EDGE, EDGE, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      SVGDocument doc =
          new SVGLoader().load(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
      if (doc == null) {
        return false;
      }
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      doc.render((Component) null, g, new ViewBox(0, 0, EDGE, EDGE));
    } catch (RuntimeException e) {
      return false;
    } finally {
      g.dispose();
    }
    try {
      ImageIO.write(image, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }
}
