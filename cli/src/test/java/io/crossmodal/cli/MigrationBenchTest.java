package io.crossmodal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.model.data.Item;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationBenchTest {

  @Test
  void theSampleRepeatsUnderIdsOfItsOwn() {
    List<Item> sample =
        List.of(
            new Item("a", "a.png", List.of("Apple"), "s", "l", "test", "food"),
            new Item("b", "b.png", List.of("Bus"), "s", "l", "test", "vehicles"));
    List<Item> items = MigrationBench.repeated(sample, 5);
    assertEquals(5, items.size());
    assertEquals(5, new HashSet<>(items.stream().map(Item::id).toList()).size(), "distinct ids");
    assertEquals(
        List.of("a.png", "b.png", "a.png", "b.png", "a.png"),
        items.stream().map(Item::image).toList());
    assertEquals(List.of("Bus"), items.get(3).captions());
  }
}
