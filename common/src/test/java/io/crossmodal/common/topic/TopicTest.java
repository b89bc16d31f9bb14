package io.crossmodal.common.topic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicTest {
  private final Topics topics = Topics.defaults();

  @Test
  void aValueEncodedForATopicDecodesFromIt() {
    EmbeddingRecord e =
        new EmbeddingRecord(Modality.IMAGE, "cm-1", new float[] {0.6f, 0.8f}, "src", "{}", 42L);
    EmbeddingRecord back = topics.embeddings.decodeValue(topics.embeddings.encodeValue(e));
    assertEquals("cm-1", back.modelId());
    assertArrayEquals(e.vector(), back.vector());
  }

  @Test
  void textTopicsCarryUtf8() {
    assertArrayEquals("åß".getBytes(StandardCharsets.UTF_8), topics.mediaTexts.encodeValue("åß"));
    assertArrayEquals("id-1".getBytes(StandardCharsets.UTF_8), topics.queries.encodeKey("id-1"));
  }

  @Test
  void bytesThatAreNotSuchAValueThrowSoTheCallerCanDeadLetterThem() {
    assertThrows(RuntimeException.class, () -> topics.embeddings.decodeValue(new byte[] {1, 2}));
  }
}
