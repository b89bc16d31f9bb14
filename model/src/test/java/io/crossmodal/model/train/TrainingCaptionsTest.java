package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training captions: an item's own, plus its keyword phrases and emoji keywords when asked. */
class TrainingCaptionsTest {
  @TempDir
  Path dir;

  @Test
  void shouldAddEachKeywordPhraseOnceWhenKeywordCaptionsAreOn() {
    Item clipArt = item("openclipart", "x/red_apple.png", "Red apple", "Red apple: fruit, red apple, food, ok");

    assertEquals(List.of("Red apple", "Red apple: fruit, red apple, food, ok"), TrainingPairs.captionsOf(clipArt, false, EmojiKeywords.none()));
    // "red apple" repeats the title (same normalised text) and "ok" is too short to teach anything.
    assertEquals(List.of("Red apple", "Red apple: fruit, red apple, food, ok", "fruit", "food"),
        TrainingPairs.captionsOf(clipArt, true, EmojiKeywords.none()));
  }

  @Test
  void shouldFindAnEmojisKeywordsByItsImageNameWhenEmojiKeywordsAreRead() throws Exception {
    Path root = dir.resolve("package");
    Files.createDirectories(root.resolve("dist"));
    // U+2764 U+FE0F is "red heart"; the image name has no variation selector.
    Files.writeString(root.resolve("dist/emoji-en-US.json"),
        "{\"\uD83D\uDC36\": [\"dog_face\", \"pet\", \":D\"], \"\u2764\uFE0F\": [\"red_heart\", \"love\"]}");
    EmojiKeywords keywords = EmojiKeywords.read(root);

    assertEquals(List.of("dog face", "pet"), keywords.of(item("emoji", "img/google/64/1f436.png", "dog face")));
    assertEquals(List.of("red heart", "love"), keywords.of(item("emoji", "img/google/64/2764.png", "red heart")));
    assertEquals(List.of(), keywords.of(item("openclipart", "png/1f436.png", "not an emoji")));
    assertEquals(List.of("dog face", "pet"), TrainingPairs.captionsOf(item("emoji", "img/google/64/1f436.png", "dog face"), true, keywords));
  }

  private static Item item(String source, String image, String... captions) {
    return new Item(source + "-1", image, List.of(captions), source, "", "train", "");
  }
}
