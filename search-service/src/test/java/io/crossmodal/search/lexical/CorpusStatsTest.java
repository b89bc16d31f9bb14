package io.crossmodal.search.lexical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crossmodal.common.errors.RejectedRecordException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CorpusStatsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldSumTheShardsCountsAndForgetTombstones() {
    CorpusStats c = new CorpusStats();
    c.apply("0:dog", b("3"));
    c.apply("1:dog", b("2"));
    c.apply("1:dog", b("4"));
    c.apply("10:a:b", b("1"));
    c.apply("0#", b("5,9,20"));
    c.apply("1#", b("6,10,30"));
    assertEquals(7, c.docFreq("dog"));
    assertEquals(1, c.docFreq("a:b"), "a term may hold the separator");
    assertEquals(new CorpusStats.Collection(11, 19, 50), c.collection());
    c.apply("0:dog", null);
    c.apply("1#", null);
    assertEquals(4, c.docFreq("dog"));
    assertEquals(new CorpusStats.Collection(5, 9, 20), c.collection());
    c.apply("1:dog", b("0"));
    assertEquals(0, c.docFreq("dog"));
  }

  @Test
  void shouldRefuseWhatNoShardWritesAndChangeNothing() {
    CorpusStats c = new CorpusStats();
    c.apply("0:dog", b("3"));
    for (String[] bad :
        new String[][] {
          {null, "1"},
          {"dog", "1"},
          {"x:dog", "1"},
          {"0:", "1"},
          {"0:dog", "-1"},
          {"0:dog", "many"},
          {"0#", "1,2"},
          {"0#", "5,1,1"},
          {"0#x", "1,1,1"},
          {"99999:dog", "1"}
        }) {
      RejectedRecordException e =
          assertThrows(
              RejectedRecordException.class,
              () -> c.apply(bad[0], b(bad[1])),
              String.join(" ", String.valueOf(bad[0]), bad[1]));
      assertEquals("invalid-lexical-stat", e.reason());
    }
    assertEquals(3, c.docFreq("dog"));
    assertEquals(CorpusStats.Collection.EMPTY, c.collection());
  }
}
