package io.crossmodal.common.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {
  private final QueryParser parser = new QueryParser(100);

  @Test
  void shouldApplyDefaultsWhenOnlyTextIsGiven() throws Exception {
    SearchQuery q = parser.parse("{\"text\":\"a red car\"}");
    assertEquals("a red car", q.text());
    assertEquals(QueryParser.DEFAULT_K, q.k());
    assertEquals(Target.ANY, q.target());
  }

  @Test
  void shouldDecodeBase64WhenAnImageIsGiven() throws Exception {
    SearchQuery q = parser.parse("{\"image\":\"AQID\",\"k\":3,\"target\":\"text\",\"source\":\"cam\"}");
    assertArrayEquals(new byte[] {1, 2, 3}, q.image());
    assertEquals(Target.TEXT, q.target());
    assertEquals("cam", q.source());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{not json|malformed JSON",
      "[1,2]|must be a JSON object",
      "{}|exactly one of",
      "{\"text\":\"a\",\"mediaId\":\"b\"}|exactly one of",
      "{\"text\":\"   \"}|blank",
      "{\"text\":42}|'text' must be a string",
      "{\"text\":\"a\",\"k\":0}|between 1 and 100",
      "{\"text\":\"a\",\"k\":101}|between 1 and 100",
      "{\"text\":\"a\",\"k\":\"5\"}|'k' must be an integer",
      "{\"text\":\"a\",\"k\":2.5}|'k' must be an integer",
      "{\"text\":\"a\",\"target\":\"video\"}|unknown target",
      "{\"text\":\"a\",\"colour\":\"red\"}|unknown field 'colour'",
      "{\"image\":\"***\"}|not valid base64",
  })
  void shouldRejectWithAReasonNamingTheFieldWhenQueryIsInvalid(String json, String reason) {
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> parser.parse(json));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void shouldRejectEmptyPayloads() {
    assertThrows(InvalidQueryException.class, () -> parser.parse(""));
    assertThrows(InvalidQueryException.class, () -> parser.parse(null));
  }
}
