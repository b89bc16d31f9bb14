package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test data shared by the tests of what WordNet tells the training and the benchmark. */
public final class MiniWordNet {
  private MiniWordNet() {}

  /**
   * A WordNet in miniature, in its own file format: two senses of "mouse", the rodent first; France
   * an instance of a country.
   */
  public static Path write(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("data.noun"),
        String.join(
            "\n",
            "  1 This software and database is being provided",
            "00000001 03 n 01 entity 0 000 | that which exists",
            "00000002 05 n 01 animal 0 001 @ 00000001 n 0000 | a living organism",
            "00000003 05 n 02 dog 0 domestic_dog 0 001 @ 00000002 n 0000 | a member of the genus Canis; \"the dog barked all night\"",
            "00000004 06 n 01 mouse 1 001 @ 00000008 n 0000 | a hand-operated pointing device",
            "00000005 05 n 01 mouse 0 001 @ 00000002 n 0000 | a small rodent",
            "00000006 15 n 01 country 0 000 | a nation",
            "00000007 15 n 01 France 0 001 @i 00000006 n 0000 | a republic in western Europe",
            "00000008 06 n 01 device 0 001 @ 00000001 n 0000 | an instrumentality",
            ""));
    Path index = dir.resolve("index.noun");
    Files.writeString(
        index,
        String.join(
            "\n",
            "  1 This software and database is being provided",
            "animal n 1 1 @ 1 0 00000002",
            "country n 1 0 1 0 00000006",
            "device n 1 1 @ 1 0 00000008",
            "dog n 1 1 @ 1 0 00000003",
            "domestic_dog n 1 1 @ 1 0 00000003",
            "entity n 1 0 1 0 00000001",
            "france n 1 1 @i 1 0 00000007",
            "mouse n 2 1 @ 2 1 00000005 00000004",
            ""));
    return index;
  }
}
