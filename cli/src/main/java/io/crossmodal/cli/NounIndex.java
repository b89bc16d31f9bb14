package io.crossmodal.cli;

import io.crossmodal.model.data.Nouns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * WordNet's noun index as {@code train} and {@code evaluate} read it: present, or a message that
 * says how to get it.
 */
final class NounIndex {
  private NounIndex() {}

  /**
   * The nouns at {@code index}, or {@code null} after telling stderr why they are needed ({@code
   * purpose}) and how to get them; {@code otherwise} names a flag that does without.
   */
  static Nouns readOrExplain(Path index, String purpose, String otherwise) throws IOException {
    if (Files.isRegularFile(index)) {
      return Nouns.read(index);
    }
    System.err.println(
        "no WordNet noun index at "
            + index
            + " ("
            + purpose
            + "): run ./crossmodal dataset build,"
            + " which unpacks Debian "
            + Nouns.DEBIAN_PACKAGE
            + ", give --nouns F"
            + (otherwise == null ? "" : ", or " + otherwise));
    return null;
  }
}
