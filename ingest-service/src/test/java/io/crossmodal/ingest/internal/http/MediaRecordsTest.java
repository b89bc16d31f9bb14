package io.crossmodal.ingest.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.Rejections;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class MediaRecordsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Topics topics = Topics.defaults();
  private final MediaRecords records =
      new MediaRecords(
          topics,
          new MediaValidator(new ImageDecoder(1000, 1_000_000), 50, 1000),
          new Rejections(registry, "ingest"));

  private double rejected(String reason) {
    var c = registry.find("crossmodal.http.rejected").tags("service", "ingest", "reason", reason);
    return c.counter() == null ? 0 : c.counter().count();
  }

  private static String header(ProducerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aTextBecomesARecordOnTheTextTopicWithItsHeaders() throws Exception {
    ProducerRecord<String, byte[]> r =
        records.text(
            Json.MAPPER.readTree(
                "{\"text\":\"a red apple\",\"id\":\"t1\",\"source\":\"s\",\"metadata\":{\"a\":1}}"),
            null);
    assertEquals(topics.mediaTexts.name(), r.topic());
    assertEquals("t1", r.key());
    assertArrayEquals("a red apple".getBytes(StandardCharsets.UTF_8), r.value());
    assertEquals("s", header(r, "source"));
    assertEquals("{\"a\":1}", header(r, "metadata"));
  }

  @Test
  void whatTheEncoderWouldDeadLetterIsRefusedWithItsReasonAndCounted() throws Exception {
    HttpError blank = assertThrows(HttpError.class, () -> records.text(Json.object("{}"), null));
    assertEquals(400, blank.status());
    assertEquals(1, rejected("empty-text"));
    HttpError tooLong =
        assertThrows(
            HttpError.class,
            () -> records.text(Json.object("{\"text\":\"" + "x".repeat(51) + "\"}"), null));
    assertEquals(413, tooLong.status());
    assertEquals(1, rejected("text-too-long"));
    HttpError notObject =
        assertThrows(
            HttpError.class,
            () -> records.text(Json.object("{\"text\":\"x\",\"metadata\":[1]}"), null));
    assertEquals(400, notObject.status());
    assertEquals(1, rejected("invalid-metadata"));
    HttpError notImage =
        assertThrows(
            HttpError.class,
            () ->
                records.image(
                    "image/png",
                    new byte[] {1, 2, 3},
                    null,
                    Json.MAPPER.createObjectNode(),
                    null,
                    "i"));
    assertEquals(400, notImage.status());
    HttpError wrongType =
        assertThrows(
            HttpError.class,
            () ->
                records.image(
                    "text/plain", new byte[] {1}, null, Json.MAPPER.createObjectNode(), null, "i"));
    assertEquals(415, wrongType.status());
    assertEquals(1, rejected("unsupported-media-type"));
  }

  @Test
  void aBatchItemIsExactlyOneOfTextOrImage() {
    HttpError both =
        assertThrows(
            HttpError.class,
            () -> records.batchItem(Json.object("{\"text\":\"x\",\"image\":\"AA==\"}"), null));
    assertEquals(400, both.status());
    HttpError badBase64 =
        assertThrows(
            HttpError.class, () -> records.batchItem(Json.object("{\"image\":\"%%%\"}"), null));
    assertEquals(400, badBase64.status());
    assertEquals(1, rejected("invalid-base64"));
    assertEquals(2, rejected("invalid-item") + rejected("invalid-base64"));
  }

  @Test
  void anItemWithoutIdTakesOneFromTheIdempotencyKeyTheSameOnEveryRetry() {
    assertEquals("given", MediaRecords.idFrom("given", "key"));
    assertEquals(MediaRecords.idFrom(null, "key#1"), MediaRecords.idFrom("", "key#1"));
    assertNotEquals(MediaRecords.idFrom(null, "key#1"), MediaRecords.idFrom(null, "key#2"));
    assertNotEquals(MediaRecords.idFrom(null, null), MediaRecords.idFrom(null, null));
  }
}
