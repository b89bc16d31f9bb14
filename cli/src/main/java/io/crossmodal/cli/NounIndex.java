package io.crossmodal.cli;

import io.crossmodal.model.data.NounKinds;
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

  /** {@link Nouns#read} or {@link NounKinds#read}: one reading of the index per command. */
  @FunctionalInterface
  interface Reader<T> {
    T read(Path index) throws IOException;
  }

  /**
   * What {@code reader} reads from {@code index}, or {@code null} after telling stderr why it is
   * needed ({@code purpose}) and how to get it; {@code otherwise} names a flag that does without.
   */
  static <T> T readOrExplain(Path index, Reader<T> reader, String purpose, String otherwise)
      throws IOException {
    if (Files.isRegularFile(index)) {
      return reader.read(index);
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
