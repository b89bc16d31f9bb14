package io.crossmodal.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Readers for the caption formats users already have, so they can train and evaluate on their own
 * data with the same commands. Every reader yields {@link Item}s with split {@code train}; the
 * split is then assigned by {@link Splits}.
 */
public final class CaptionFormats {
  private CaptionFormats() {}

  /**
   * Reads by file name: {@code *.jsonl} (ours), {@code *.json} (COCO), {@code *.csv} (Flickr30k),
   * else Flickr8k.
   */
  public static List<Item> read(Path captions, Path imageDir) throws IOException {
    String name = captions.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl")) {
      return Manifest.read(captions);
    }
    if (name.endsWith(".json")) {
      return coco(captions, imageDir);
    }
    return flickr(captions, imageDir);
  }

  /**
   * Flickr8k ({@code 1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress …}) and Flickr30k
   * ({@code image_name| comment_number| comment}, first line a header) caption files.
   */
  public static List<Item> flickr(Path captions, Path imageDir) throws IOException {
    Map<String, Set<String>> byImage = new LinkedHashMap<>();
    for (String line : Files.readAllLines(captions)) {
      String image;
      String caption;
      int tab = line.indexOf('\t');
      if (tab > 0) {
        image = line.substring(0, tab).replaceFirst("#\\d+$", "");
        caption = line.substring(tab + 1);
      } else {
        String[] parts = line.split("\\|", 3);
        if (parts.length < 3 || parts[0].trim().equals("image_name")) {
          continue;
        }
        image = parts[0].trim();
        caption = parts[2];
      }
      if (!caption.isBlank()) {
        byImage.computeIfAbsent(image.trim(), k -> new LinkedHashSet<>()).add(caption.trim());
      }
    }
    List<Item> items = new ArrayList<>();
    byImage.forEach(
        (image, caps) ->
            items.add(
                new Item(
                    stripExtension(image),
                    imageDir.resolve(image).toString(),
                    new ArrayList<>(caps),
                    "flickr",
                    "see dataset terms",
                    "train",
                    "")));
    return items;
  }

  /**
   * COCO captions JSON: {@code images[{id, file_name}]}, {@code annotations[{image_id, caption}]}.
   */
  public static List<Item> coco(Path captions, Path imageDir) throws IOException {
    JsonNode root = new ObjectMapper().readTree(captions.toFile());
    Map<Long, String> files = new LinkedHashMap<>();
    for (JsonNode image : root.path("images")) {
      files.put(image.get("id").asLong(), image.get("file_name").asText());
    }
    Map<Long, Set<String>> byImage = new LinkedHashMap<>();
    for (JsonNode a : root.path("annotations")) {
      String caption = a.path("caption").asText("").trim();
      if (!caption.isEmpty()) {
        byImage
            .computeIfAbsent(a.get("image_id").asLong(), k -> new LinkedHashSet<>())
            .add(caption);
      }
    }
    List<Item> items = new ArrayList<>();
    byImage.forEach(
        (id, caps) -> {
          String file = files.get(id);
          if (file != null) {
            items.add(
                new Item(
                    String.valueOf(id),
                    imageDir.resolve(file).toString(),
                    new ArrayList<>(caps),
                    "coco",
                    "CC BY 4.0 annotations; images per Flickr terms",
                    "train",
                    ""));
          }
        });
    return items;
  }

  private static String stripExtension(String file) {
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
