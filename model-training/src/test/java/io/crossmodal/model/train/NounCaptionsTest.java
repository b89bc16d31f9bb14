package io.crossmodal.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.MiniWordNet;
import io.crossmodal.model.data.NounKinds;
import io.crossmodal.model.data.Nouns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What WordNet adds to a noun of a training item's names: its kinds that the training data uses,
 * and its definition.
 */
class NounCaptionsTest {
  @TempDir Path dir;

  /**
   * 40 items: "animal" names 3 and is the kind of 4 (the dog too); "country" names 36 and is the
   * kind of 36, too many.
   */
  private static List<Item> train() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      items.add(item("a" + i, "Animal"));
    }
    items.add(item("d", "Dog: pet"));
    for (int i = 0; i < 36; i++) {
      items.add(item("c" + i, "Country map"));
    }
    return items;
  }

  @Test
  void shouldAddTheKindsTheTrainingDataNamesButNotTheTooCommonOrTheUnnamedOnes() throws Exception {
    NounKinds kinds = NounKinds.read(MiniWordNet.write(dir));
    NounCaptions captions = NounCaptions.of(kinds, train(), true, false);

    // dog is a domestic_dog, an animal and an entity: no item is named "entity" or "domestic_dog",
    // and a word is not its own kind.
    assertEquals(List.of("animal"), captions.of("dogs"));
    assertEquals(
        List.of(), captions.of("france"), "country is the kind of more than a tenth of the items");
    assertEquals(List.of(), captions.of("often"));
    assertEquals(1, captions.kindCount());
  }

  @Test
  void shouldAddTheFirstSensesDefinitionWithoutItsExamples() throws Exception {
    NounKinds kinds = NounKinds.read(MiniWordNet.write(dir));
    assertEquals(
        List.of("a member of the genus Canis"),
        NounCaptions.of(kinds, train(), false, true).of("dog"));
    assertEquals(
        List.of("a small rodent"),
        NounCaptions.of(kinds, train(), false, true).of("mouse"),
        "the rodent is the first sense");
    assertEquals(
        List.of("animal", "a member of the genus Canis"),
        NounCaptions.of(kinds, train(), true, true).of("dog"));
  }

  @Test
  void shouldGiveATrainingItemTheCaptionsOfEachNounOfItsNamesOnce() throws Exception {
    NounKinds kinds = NounKinds.read(MiniWordNet.write(dir));
    Nouns nouns = Nouns.of(List.of("dog", "pet", "mouse"));
    TrainingCaptions withWordNet =
        new TrainingCaptions(
            true, EmojiKeywords.none(), nouns, NounCaptions.of(kinds, train(), true, true));

    assertEquals(
        List.of(
            "Dog and mouse: pet",
            "pet",
            "dog",
            "mouse",
            "animal",
            "a member of the genus Canis",
            "a small rodent"),
        withWordNet.of(item("x", "Dog and mouse: pet")));
  }

  private static Item item(String id, String caption) {
    return new Item(
        "openclipart-" + id, "x/" + id + ".png", List.of(caption), "openclipart", "", "train", "");
  }
}
