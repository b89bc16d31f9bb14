package io.crossmodal.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  private final QueryParser parser = new QueryParser(K_MAX);
  private final EmbeddingSerde serde = new EmbeddingSerde();

  @Property(tries = 3000)
  void queryParserAcceptsOnlyValidQueriesWhenGivenArbitraryText(@ForAll("queryLike") String json) {
    try {
      SearchQuery q = parser.parse(json);
      int given = (q.text() != null ? 1 : 0) + (q.image() != null ? 1 : 0) + (q.mediaId() != null ? 1 : 0);
      assertEquals(1, given, json);
      assertTrue(q.k() >= 1 && q.k() <= K_MAX, json);
      assertTrue(q.text() == null || !q.text().isBlank(), json);
    } catch (InvalidQueryException expected) {
      assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
    }
  }

  /** Mostly JSON-shaped inputs built from the real field names, so the fuzzer gets past the syntax. */
  @Provide
  Arbitrary<String> queryLike() {
    Arbitrary<String> names = Arbitraries.of("text", "image", "mediaId", "k", "target", "source", "tags", "all", "any", "x", "");
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> '"' + s.replace("\\", "").replace("\"", "") + '"'),
        Arbitraries.integers().between(-5, 200).map(String::valueOf),
        Arbitraries.of("null", "true", "1.5", "[]", "{}", "[\"a\",1]", "{\"all\":[\"a\"]}", "{\"any\":[]}", "\"AQID\"", "\"***\"",
            "\"image\"", "\"text\"", "\"any\"", "9999999999999", "\"\\u0000\""));
    Arbitrary<String> field = names.flatMap(n -> values.map(v -> '"' + n + "\":" + v));
    Arbitrary<String> objects = field.list().ofMaxSize(5).map(fs -> "{" + String.join(",", fs) + "}");
    Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(40);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, objects), net.jqwik.api.Tuple.of(2, garbage),
        net.jqwik.api.Tuple.of(1, objects.map(o -> o.substring(0, o.length() / 2))));
  }

  @Property(tries = 3000)
  void embeddingDecoderRejectsCleanlyWhenBytesAreMutated(@ForAll("records") byte[] valid, @ForAll @IntRange(min = 0, max = 400) int at,
      @ForAll byte value, @ForAll @IntRange(min = 0, max = 3) int mode) {
    byte[] bytes = switch (mode) {
      case 0 -> Arrays.copyOf(valid, Math.min(at, valid.length)); // truncated
      case 1 -> flip(valid, at, value); // one byte changed
      case 2 -> flip(flip(valid, at, value), at * 7 + 3, (byte) (value * 31)); // two bytes changed
      default -> Arrays.copyOf(valid, valid.length + at); // trailing zeros
    };
    try {
      EmbeddingRecord r = serde.deserialize("t", bytes);
      assertEquals(r.dimension(), r.vector().length);
    } catch (SerializationException expected) {
      // the shard dead-letters it with this message
    }
  }

  @Property(tries = 500)
  void embeddingDecoderRejectsCleanlyWhenBytesAreRandom(@ForAll byte[] bytes) {
    try {
      serde.deserialize("t", bytes);
    } catch (SerializationException expected) {
      // fine
    }
  }

  @Provide
  Arbitrary<byte[]> records() {
    return Arbitraries.integers().between(0, 64).flatMap(dim -> Arbitraries.floats().array(float[].class).ofSize(dim)
        .flatMap(v -> Arbitraries.strings().ofMaxLength(20).map(meta -> serde.serialize("t",
            new EmbeddingRecord(dim % 2 == 0 ? Modality.IMAGE : Modality.TEXT, "cm-" + dim, v, "src", "{\"m\":\"" + meta.replace("\"", "") + "\"}",
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
