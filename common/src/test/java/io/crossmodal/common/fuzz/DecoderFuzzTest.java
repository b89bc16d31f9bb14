package io.crossmodal.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.serde.EmbeddingSerde;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Property-based fuzzing of the decoders that face untrusted bytes: whatever arrives, the query
 * parser either returns a valid query or throws {@link InvalidQueryException}, and the embedding
 * decoder either returns a record or throws {@link SerializationException}: never another
 * exception, never an out-of-memory from a forged length, so the services can always dead-letter.
 */
class DecoderFuzzTest {
  private static final int K_MAX = 100;
  private final QueryParser parser = new QueryParser(K_MAX, 10_000, 1 << 20);
  private final EmbeddingSerde serde = new EmbeddingSerde();

  @Property(tries = 3000)
  void queryParserAcceptsOnlyValidQueriesWhenGivenArbitraryText(@ForAll("queryLike") String json) {
    try {
      SearchQuery q = parser.parse(json);
      int given =
          (q.text() != null ? 1 : 0) + (q.image() != null ? 1 : 0) + (q.mediaId() != null ? 1 : 0);
      assertEquals(1, given, json);
      assertTrue(q.k() >= 1 && q.k() <= K_MAX, json);
      assertTrue(q.text() == null || !q.text().isBlank(), json);
    } catch (InvalidQueryException expected) {
      assertTrue(
          expected.getMessage().length() > 8,
          "a reason naming what is wrong: " + expected.getMessage());
    }
  }

  /**
   * Mostly JSON-shaped inputs built from the real field names, so the fuzzer gets past the syntax.
   */
  @Provide
  Arbitrary<String> queryLike() {
    Arbitrary<String> names =
        Arbitraries.of(
            "text", "image", "mediaId", "k", "target", "source", "tags", "all", "any", "x", "");
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .ofMaxLength(12)
                .map(s -> '"' + s.replace("\\", "").replace("\"", "") + '"'),
            Arbitraries.integers().between(-5, 200).map(String::valueOf),
            Arbitraries.of(
                "null",
                "true",
                "1.5",
                "[]",
                "{}",
                "[\"a\",1]",
                "{\"all\":[\"a\"]}",
                "{\"any\":[]}",
                "\"AQID\"",
                "\"***\"",
                "\"image\"",
                "\"text\"",
                "\"any\"",
                "9999999999999",
                "\"\\u0000\""));
    Arbitrary<String> field = names.flatMap(n -> values.map(v -> '"' + n + "\":" + v));
    Arbitrary<String> objects =
        field.list().ofMaxSize(5).map(fs -> "{" + String.join(",", fs) + "}");
    Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(40);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, objects),
        net.jqwik.api.Tuple.of(2, garbage),
        net.jqwik.api.Tuple.of(1, objects.map(o -> o.substring(0, o.length() / 2))));
  }

  @Property(tries = 3000)
  void embeddingDecoderRejectsCleanlyWhenBytesAreMutated(
      @ForAll("records") byte[] valid,
      @ForAll @IntRange(min = 0, max = 400) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 3) int mode) {
    byte[] bytes =
        switch (mode) {
          case 0 -> Arrays.copyOf(valid, Math.min(at, valid.length)); // truncated
          case 1 -> flip(valid, at, value); // one byte changed
          case 2 ->
              flip(flip(valid, at, value), at * 7 + 3, (byte) (value * 31)); // two bytes changed
          default -> Arrays.copyOf(valid, valid.length + at); // trailing zeros
        };
    boolean mustFail =
        (mode == 0 && at < valid.length) || (mode == 3 && at > 0); // truncated, or trailing bytes
    try {
      EmbeddingRecord r = serde.deserialize("t", bytes);
      assertTrue(!mustFail, "a truncated or padded record must be refused, got " + r);
      assertEquals(r.dimension(), r.vector().length);
    } catch (SerializationException expected) {
      assertTrue(
          expected.getMessage().contains("embedding")
              || expected.getMessage().contains("string length")
              || expected.getMessage().contains("modality")
              || expected.getMessage().contains("dimension"),
          expected.getMessage());
    }
  }

  @Property(tries = 500)
  void embeddingDecoderRejectsRandomBytesWithTheReason(@ForAll byte[] bytes) {
    byte[] notVersion1 =
        bytes.length > 0 && bytes[0] == 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    if (notVersion1.length == 0) {
      SerializationException e =
          assertThrows(SerializationException.class, () -> serde.deserialize("t", notVersion1));
      assertTrue(
          e.getMessage().contains("truncated or corrupt embedding record of 0 bytes"),
          e.getMessage());
      return;
    }
    if (notVersion1[0] == 1) {
      return; // a version byte after all; covered by the mutation property
    }
    SerializationException e =
        assertThrows(SerializationException.class, () -> serde.deserialize("t", notVersion1));
    assertTrue(
        e.getMessage()
            .startsWith("unsupported embedding format version " + (notVersion1[0] & 0xff)),
        e.getMessage());
  }

  @Provide
  Arbitrary<byte[]> records() {
    return Arbitraries.integers()
        .between(0, 64)
        .flatMap(
            dim ->
                Arbitraries.floats()
                    .array(float[].class)
                    .ofSize(dim)
                    .flatMap(
                        v ->
                            Arbitraries.strings()
                                .ofMaxLength(20)
                                .map(
                                    meta ->
                                        serde.serialize(
                                            "t",
                                            new EmbeddingRecord(
                                                dim % 2 == 0 ? Modality.IMAGE : Modality.TEXT,
                                                "cm-" + dim,
                                                v,
                                                "src",
                                                "{\"m\":\"" + meta.replace("\"", "") + "\"}",
                                                42L)))));
  }

  private static byte[] flip(byte[] bytes, int at, byte value) {
    byte[] copy = bytes.clone();
    if (copy.length > 0) {
      copy[Math.floorMod(at, copy.length)] ^= (byte) (value == 0 ? 1 : value);
    }
    return copy;
  }
}
