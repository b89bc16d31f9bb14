package io.crossmodal.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.model.data.Nouns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NounIndexTest {
  @Test
  void shouldReadThePresentIndex(@TempDir Path dir) throws Exception {
    Path index = dir.resolve("index.noun");
    Files.writeString(index, "  1 a licence line\ndog n 1 0 1 0 02084071\n");
    assertTrue(NounIndex.readOrExplain(index, Nouns::read, "why", null).contains("dogs"));
  }

  @Test
  void shouldSayHowToGetAMissingIndexAndWhatDoesWithout(@TempDir Path dir) throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
    try {
      assertNull(
          NounIndex.readOrExplain(
              dir.resolve("index.noun"),
              Nouns::read,
              "which words are nouns",
              "train with --no-name-nouns"));
    } finally {
      System.setErr(err);
    }
    String message = said.toString(StandardCharsets.UTF_8);
    assertTrue(
        message.contains("which words are nouns")
            && message.contains("./crossmodal dataset build")
            && message.contains("--nouns F")
            && message.contains("or train with --no-name-nouns"),
        message);
  }
}
