package io.crossmodal.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordPieceTokenizerTest {
  private static WordPieceTokenizer small(int maxLength) {
    Map<String, Integer> vocab = new HashMap<>();
    String[] tokens = {
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "red", "star", "un", "##aff", "##able", ",", "!",
      "cafe"
    };
    for (int i = 0; i < tokens.length; i++) {
      vocab.put(tokens[i], i);
    }
    return new WordPieceTokenizer(vocab, maxLength);
  }

  @Test
  void shouldLowercaseStripAccentsAndSplitPunctuationWhenTokenizingWords() {
    assertEquals(
        List.of("a", "red", "star", ",", "cafe", "!"),
        WordPieceTokenizer.basicTokens("  A RED\tstar, Café!"));
  }

  @Test
  void shouldSplitIntoLongestWordPiecesWhenWordIsNotInVocabulary() {
    assertArrayEquals(new int[] {2, 7, 8, 9, 3}, small(16).encode("unaffable"));
  }

  @Test
  void shouldEmitUnknownWhenNoPieceMatches() {
    assertArrayEquals(new int[] {2, 4, 1, 3}, small(16).encode("a zebra"));
  }

  @Test
  void shouldTruncateButKeepClsAndSepWhenTextIsTooLong() {
    int[] ids = small(5).encode("a red star a red star a red star");
    assertEquals(5, ids.length);
    assertEquals(2, ids[0]);
    assertEquals(3, ids[4]);
  }

  @Test
  void shouldMatchReferenceIdsWhenUsingTheBundledMiniLmVocabulary() {
    {
      WordPieceTokenizer t = TextTower.loadTokenizer();
      int[] ids = t.encode("A mercury thermometer.");
      assertEquals(101, ids[0]);
      assertEquals(102, ids[ids.length - 1]);
      assertEquals(1037, ids[1]); // "a" in the bert-base-uncased vocabulary
      assertEquals(1012, ids[ids.length - 2]); // "."
      assertEquals(30522, t.vocabularySize());
    }
  }
}
