package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Nouns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training captions: an item's own, plus its keyword phrases, emoji keywords and the nouns of its
 * names when asked.
 */
class TrainingCaptionsTest {
  @TempDir Path dir;

  @Test
  void shouldAddEachKeywordPhraseOnceWhenKeywordCaptionsAreOn() {
    Item clipArt =
        item(
            "openclipart", "x/red_apple.png", "Red apple", "Red apple: fruit, red apple, food, ok");

    assertEquals(
        List.of("Red apple", "Red apple: fruit, red apple, food, ok"),
        TrainingCaptions.own().of(clipArt));
    // "red apple" repeats the title (same normalised text) and "ok" is too short to teach anything.
    assertEquals(
        List.of("Red apple", "Red apple: fruit, red apple, food, ok", "fruit", "food"),
        new TrainingCaptions(true, EmojiKeywords.none(), null).of(clipArt));
  }

  @Test
  void shouldFindAnEmojisKeywordsByItsImageNameWhenEmojiKeywordsAreRead() throws Exception {
    Path root = dir.resolve("package");
    Files.createDirectories(root.resolve("dist"));
    // U+2764 U+FE0F is "red heart"; the image name has no variation selector.
    Files.writeString(
        root.resolve("dist/emoji-en-US.json"),
        "{\"\uD83D\uDC36\": [\"dog_face\", \"pet\", \":D\"], \"\u2764\uFE0F\": [\"red_heart\", \"love\"]}");
    EmojiKeywords keywords = EmojiKeywords.read(root);

    assertEquals(
        List.of("dog face", "pet"),
        keywords.of(item("emoji", "img/google/64/1f436.png", "dog face")));
    assertEquals(
        List.of("red heart", "love"),
        keywords.of(item("emoji", "img/google/64/2764.png", "red heart")));
    assertEquals(List.of(), keywords.of(item("openclipart", "png/1f436.png", "not an emoji")));
    assertEquals(
        List.of("dog face", "pet"),
        new TrainingCaptions(true, keywords, null)
            .of(item("emoji", "img/google/64/1f436.png", "dog face")));
  }

  @Test
  void shouldAddEveryNounOfTheTitleAndKeywordPhrasesOnceWhenNameNounsAreOn() {
    Nouns nouns = Nouns.of(List.of("frog", "fen", "dead", "green", "description"));
    Item frogs =
        item(
            "openclipart",
            "x/frogs.png",
            "2 dead frogs",
            "2 dead frogs: squeleton, green, fen",
            "a description of frogs");

    // The nouns among the words of the title and keyword phrases ("frogs" by its singular);
    // descriptions name nothing.
    assertEquals(
        List.of(
            "2 dead frogs",
            "2 dead frogs: squeleton, green, fen",
            "a description of frogs",
            "dead",
            "frogs",
            "green",
            "fen"),
        new TrainingCaptions(false, EmojiKeywords.none(), nouns).of(frogs));
    // With keyword phrases on, a noun that is a phrase already ("green") is there once.
    assertEquals(
        List.of(
            "2 dead frogs",
            "2 dead frogs: squeleton, green, fen",
            "a description of frogs",
            "squeleton",
            "green",
            "fen",
            "dead",
            "frogs"),
        new TrainingCaptions(true, EmojiKeywords.none(), nouns).of(frogs));
  }

  private static Item item(String source, String image, String... captions) {
    return new Item(source + "-1", image, List.of(captions), source, "", "train", "");
  }
}
