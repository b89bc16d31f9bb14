package io.crossmodal.common.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EmbeddingSerdeTest {
  private final EmbeddingSerde serde = new EmbeddingSerde();

  @Test
  void shouldRoundTripEveryFieldWhenSerialised() {
    EmbeddingRecord r =
        new EmbeddingRecord(
            Modality.TEXT,
            "cm-1",
            new float[] {0.6f, -0.8f, 0f},
            "upstream",
            "{\"caption\":\"é\"}",
            1234L);
    EmbeddingRecord back = serde.deserialize("t", serde.serialize("t", r));
    assertEquals(Modality.TEXT, back.modality());
    assertEquals("cm-1", back.modelId());
    assertArrayEquals(r.vector(), back.vector());
    assertEquals("upstream", back.source());
    assertEquals("{\"caption\":\"é\"}", back.metadata());
    assertEquals(1234L, back.createdAtMillis());
  }

  @Test
  void shouldKeepTombstonesNullWhenSerialising() {
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void shouldRejectWithAReasonWhenBytesAreTruncatedOrForeign() {
    byte[] good =
        serde.serialize("t", new EmbeddingRecord(Modality.IMAGE, "m", new float[8], "", "{}", 0));
    SerializationException truncated =
        assertThrows(
            SerializationException.class, () -> serde.deserialize("t", Arrays.copyOf(good, 20)));
    assertTrue(
        truncated.getMessage().contains("dimension")
            || truncated.getMessage().contains("truncated"),
        truncated.getMessage());
    byte[] foreign = good.clone();
    foreign[0] = 9;
    assertTrue(
        assertThrows(SerializationException.class, () -> serde.deserialize("t", foreign))
            .getMessage()
            .contains("version 9"));
    assertThrows(SerializationException.class, () -> serde.deserialize("t", "hello".getBytes()));
  }
}
