package io.crossmodal.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Noto emoji images from npm {@code emoji-datasource-google@16.0.0} (64 px PNGs), captioned with
 * the Unicode name, and the name with short names and subcategory ("grinning face: grinning,
 * face-smiling"). Skin-tone variants are left out: they share the base emoji's caption.
 */
final class EmojiSource {
  public static final String PACKAGE = "emoji-datasource-google";
  public static final String VERSION = "16.0.0";
  public static final String LICENCE =
      "Apache-2.0 (Noto Emoji images); MIT (emoji-datasource metadata)";

  private EmojiSource() {}

  public static List<Item> read(Path packageRoot) throws IOException {
    JsonNode all = new ObjectMapper().readTree(packageRoot.resolve("emoji.json").toFile());
    Path images = packageRoot.resolve("img/google/64");
    List<Item> items = new ArrayList<>();
    for (JsonNode e : all) {
      Path image = images.resolve(e.path("image").asText());
      String name = e.path("name").asText("").toLowerCase(Locale.ROOT).trim();
      if (name.isEmpty() || !Files.exists(image) || !e.path("has_img_google").asBoolean(true)) {
        continue;
      }
      Set<String> words = new LinkedHashSet<>();
      for (JsonNode s : e.path("short_names")) {
        String word = s.asText().replace('_', ' ').replace('-', ' ');
        if (!word.equals(name)) {
          words.add(word);
        }
      }
      String sub = e.path("subcategory").asText("").replace('-', ' ');
      if (!sub.isEmpty()) {
        words.add(sub);
      }
      List<String> captions = new ArrayList<>();
      captions.add(name);
      if (!words.isEmpty()) {
        captions.add(name + ": " + String.join(", ", words));
      }
      items.add(
          new Item(
              "", image.toString(), captions, "emoji", LICENCE, "", e.path("category").asText("")));
    }
    return items;
  }
}
