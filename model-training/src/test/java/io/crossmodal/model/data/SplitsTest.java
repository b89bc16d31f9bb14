package io.crossmodal.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SplitsTest {
  /**
   * 2,000 concepts with two images each; the second image's title differs only in case and spaces.
   */
  private static List<Item> items() {
    List<Item> out = new ArrayList<>();
    for (int c = 0; c < 2000; c++) {
      out.add(new Item("a" + c, "a.png", List.of("Concept " + c), "test", "x", "train", "c"));
      out.add(
          new Item("b" + c, "b.png", List.of(" concept " + c + " "), "test", "x", "train", "c"));
    }
    return out;
  }

  @Test
  void subsetKeepsAboutItsShareOfConceptsWholeAndNested() {
    List<Item> items = items();
    List<Item> quarter = Splits.subset(items, 25);
    List<Item> half = Splits.subset(items, 50);
    assertEquals(items, Splits.subset(items, 100));
    assertTrue(Math.abs(quarter.size() - 1000) < 120, "about a quarter: " + quarter.size());
    assertTrue(Math.abs(half.size() - 2000) < 160, "about a half: " + half.size());
    Set<String> halfIds = half.stream().map(Item::id).collect(Collectors.toSet());
    assertTrue(
        quarter.stream().allMatch(i -> halfIds.contains(i.id())),
        "the quarter lies inside the half");
    Set<String> concepts = new HashSet<>();
    for (Item i : quarter) {
      concepts.add(i.id().substring(1));
    }
    assertEquals(quarter.size(), 2 * concepts.size(), "both images of a kept concept are kept");
  }

  @Test
  void subsetRefusesPercentOutsideOneToHundred() {
    assertThrows(IllegalArgumentException.class, () -> Splits.subset(items(), 0));
    assertThrows(IllegalArgumentException.class, () -> Splits.subset(items(), 101));
  }
}
