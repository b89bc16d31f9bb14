package io.crossmodal.common.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {
  private final QueryParser parser = new QueryParser(100, 50, 1000);

  @Test
  void shouldApplyDefaultsWhenOnlyTextIsGiven() throws Exception {
    SearchQuery q = parser.parse("{\"text\":\"a red car\"}");
    assertEquals("a red car", q.text());
    assertEquals(QueryParser.DEFAULT_K, q.k());
    assertEquals(Target.ANY, q.target());
  }

  @Test
  void shouldDecodeBase64WhenAnImageIsGiven() throws Exception {
    SearchQuery q =
        parser.parse("{\"image\":\"AQID\",\"k\":3,\"target\":\"text\",\"source\":\"cam\"}");
    assertArrayEquals(new byte[] {1, 2, 3}, q.image());
    assertEquals(Target.TEXT, q.target());
    assertEquals("cam", q.source());
  }

  @Test
  void shouldReadTagConditionsWhenGivenAsAListOrAsAllAndAny() throws Exception {
    assertEquals(
        new TagFilter(List.of("cat", "red"), null),
        parser.parse("{\"text\":\"a\",\"tags\":[\"cat\",\"red\"]}").tags());
    TagFilter both =
        parser
            .parse("{\"text\":\"a\",\"tags\":{\"all\":[\"cat\"],\"any\":[\"red\",\"blue\"]}}")
            .tags();
    assertEquals(List.of("cat"), both.all());
    assertEquals(List.of("red", "blue"), both.any());
    assertTrue(both.matches(List.of("cat", "blue", "big")));
    assertFalse(both.matches(List.of("cat", "green")));
    assertFalse(both.matches(List.of("red")));
    assertNull(parser.parse("{\"text\":\"a\"}").tags());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
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
        "{\"text\":\"a\",\"tags\":\"red\"}|'tags' must be an array of strings or an object",
        "{\"text\":\"a\",\"tags\":[]}|'tags' is empty",
        "{\"text\":\"a\",\"tags\":[1]}|entries must be non-blank strings",
        "{\"text\":\"a\",\"tags\":{}}|needs a non-empty 'all' or 'any'",
        "{\"text\":\"a\",\"tags\":{\"none\":[\"x\"]}}|unknown field 'tags.none'",
        "{\"text\":\"a\",\"tags\":{\"any\":[\" \"]}}|'tags.any' entries must be non-blank",
        "{\"text\":\"a\",\"tags\":{\"all\":[]}}|'tags.all' is empty",
        "{\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}|'text' of 51 chars exceeds the limit of 50",
      })
  void shouldRejectWithAReasonNamingTheFieldWhenQueryIsInvalid(String json, String reason) {
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> parser.parse(json));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void shouldRejectAnImageOverTheLimitWhenDecoded() {
    String image = Base64.getEncoder().encodeToString(new byte[1001]);
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class, () -> parser.parse("{\"image\":\"" + image + "\"}"));
    assertTrue(e.getMessage().contains("1001 bytes exceeds the limit of 1000"), e.getMessage());
  }

  @Test
  void shouldRejectEmptyPayloads() {
    assertThrows(InvalidQueryException.class, () -> parser.parse(""));
    assertThrows(InvalidQueryException.class, () -> parser.parse(null));
  }
}
