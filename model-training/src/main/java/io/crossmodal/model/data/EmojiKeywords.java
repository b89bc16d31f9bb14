package io.crossmodal.model.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words people use for each emoji, from npm {@code emojilib@4.0.3} (MIT): "dog face" is also
 * "pet", "animal", "puppy". Training adds them as captions of the training split's emoji items
 * (never of evaluation items, whose captions stay as the manifest has them).
 */
public final class EmojiKeywords {
  public static final String PACKAGE = "emojilib";
  public static final String VERSION = "4.0.3";
  public static final String LICENCE = "MIT (emojilib)";
  private static final String VARIATION_SELECTOR = "\uFE0F";

  private final Map<String, List<String>> byEmoji;

  private EmojiKeywords(Map<String, List<String>> byEmoji) {
    this.byEmoji = byEmoji;
  }

  /** None: training without keyword lists. */
  public static EmojiKeywords none() {
    return new EmojiKeywords(Map.of());
  }

  /**
   * @param packageRoot the unpacked package ({@code dist/emoji-en-US.json} inside)
   */
  public static EmojiKeywords read(Path packageRoot) throws IOException {
    Path file = packageRoot.resolve("dist/emoji-en-US.json");
    if (!Files.exists(file)) {
      throw new IOException("no " + file + "; run ./crossmodal dataset build");
    }
    JsonNode all = new ObjectMapper().readTree(file.toFile());
    Map<String, List<String>> byEmoji = new HashMap<>();
    all.fields()
        .forEachRemaining(
            e -> {
              List<String> words = new ArrayList<>();
              e.getValue()
                  .forEach(
                      w -> {
                        String word = w.asText().replace('_', ' ').trim().toLowerCase(Locale.ROOT);
                        // Emoticons such as ":D" are not words a caption model learns from.
                        if (word.length() >= 3 && word.chars().anyMatch(Character::isLetter)) {
                          words.add(word);
                        }
                      });
              byEmoji.put(e.getKey().replace(VARIATION_SELECTOR, ""), words);
            });
    return new EmojiKeywords(byEmoji);
  }

  /**
   * The keywords of an emoji item, found by its image's file name (the code points in hex, as
   * {@code 1f436.png} or {@code 1f468-200d-1f469.png}); empty for other items.
   */
  public List<String> of(Item item) {
    if (!item.source().equals("emoji") || byEmoji.isEmpty()) {
      return List.of();
    }
    String name = Path.of(item.image()).getFileName().toString().replaceFirst("\\.png$", "");
    StringBuilder emoji = new StringBuilder();
    try {
      for (String hex : name.split("-")) {
        emoji.appendCodePoint(Integer.parseInt(hex, 16));
      }
    } catch (IllegalArgumentException e) { // not hex, or not a code point
      return List.of();
    }
    return byEmoji.getOrDefault(emoji.toString().replace(VARIATION_SELECTOR, ""), List.of());
  }
}
