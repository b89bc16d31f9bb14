package io.crossmodal.encoder.internal.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.JointEncoder;
import io.crossmodal.model.joint.Towers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every bad input ends on the dead-letter topic with its reason and source; good records around it
 * are encoded.
 */
class MediaEncoderTest {
  private static final Topics TOPICS = Topics.defaults();
  private static JointEncoder model;
  private static MediaEncoder encoder;
  private long offset;

  @BeforeAll
  static void load() {
    model = new JointEncoder(DefaultModel.load(null), 1);
    encoder = mediaEncoder(model);
  }

  private static MediaEncoder mediaEncoder(Towers towers) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return new MediaEncoder(
        TOPICS,
        towers,
        new MediaValidator(new ImageDecoder(200_000, 1_000_000), 50, 1000),
        new QueryParser(100, 50, 200_000),
        4,
        new EncoderMetrics(registry),
        new DeadLetters("encoder", TOPICS.encoderDlq.name(), 1 << 20, registry));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private ConsumerRecord<byte[], byte[]> record(
      String topic, String key, byte[] value, String metadata) {
    RecordHeaders headers = new RecordHeaders();
    if (metadata != null) {
      headers.add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(
        topic,
        0,
        offset++,
        1000L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value,
        headers,
        Optional.empty());
  }

  private static byte[] png(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB), "png", out);
    return out.toByteArray();
  }

  @Test
  void shouldKeepEachKeysOrderWhenAPutAndItsDeleteArriveInOnePoll() throws Exception {
    String texts = TOPICS.mediaTexts.name();
    List<ConsumerRecord<byte[], byte[]>> in =
        List.of(
            record(texts, "x", "a red star".getBytes(StandardCharsets.UTF_8), null),
            record(TOPICS.mediaImages.name(), "y", png(8, 8), null),
            record(texts, "x", null, null), // delete x: must come after x's vector
            record(texts, "z", "a blue moon".getBytes(StandardCharsets.UTF_8), null));

    List<String> order =
        encoder.encode(in, 2).records().stream()
            .map(
                r ->
                    new String(r.key(), StandardCharsets.UTF_8)
                        + (r.value() == null ? ":delete" : ":put"))
            .toList();

    assertEquals(List.of("x:put", "y:put", "x:delete", "z:put"), order);
  }

  @Test
  void shouldDeadLetterEveryBadInputWithItsReasonAndEncodeTheGoodOnes() throws Exception {
    String images = TOPICS.mediaImages.name();
    String texts = TOPICS.mediaTexts.name();
    byte[] good = png(20, 10);
    List<ConsumerRecord<byte[], byte[]>> in =
        new ArrayList<>(
            List.of(
                record(images, "good-image", good, "{\"caption\":\"c\"}"),
                record(images, "not-an-image", "hello".getBytes(), null),
                record(images, "truncated", Arrays.copyOf(good, good.length / 2), null),
                record(images, "too-many-pixels", png(1100, 1000), null),
                record(images, "too-many-bytes", new byte[200_001], null),
                record(images, "bad-metadata", good, "[1,2]"),
                record(
                    texts,
                    "bad-tags",
                    "a red star".getBytes(StandardCharsets.UTF_8),
                    "{\"tags\":[\"ok\",7]}"),
                record(
                    texts,
                    "metadata-too-large",
                    "a red star".getBytes(StandardCharsets.UTF_8),
                    "{\"caption\":\"" + "y".repeat(1000) + "\"}"),
                record(images, null, good, null),
                record(images, "deleted", null, null),
                record(texts, "good-text", "a red star".getBytes(StandardCharsets.UTF_8), null),
                record(texts, "empty", new byte[0], null),
                record(texts, "blank", " \t\n".getBytes(StandardCharsets.UTF_8), null),
                record(texts, "invalid-utf8", new byte[] {(byte) 0xC3, (byte) 0x28}, null),
                record(texts, "too-long", "x".repeat(51).getBytes(StandardCharsets.UTF_8), null),
                record(
                    TOPICS.queries.name(),
                    "bad-query",
                    "{\"text\":\"a\",\"k\":0}".getBytes(StandardCharsets.UTF_8),
                    null),
                record(
                    TOPICS.queries.name(),
                    "good-query",
                    "{\"text\":\"a star\",\"k\":3}".getBytes(StandardCharsets.UTF_8),
                    null)));

    List<ProducerRecord<byte[], byte[]>> out = encoder.encode(in, 2).records();

    Map<String, String> reasons = new HashMap<>();
    Map<String, EmbeddingRecord> vectors = new HashMap<>();
    int encodedQueries = 0;
    for (ProducerRecord<byte[], byte[]> r : out) {
      String key = r.key() == null ? "<null>" : new String(r.key(), StandardCharsets.UTF_8);
      if (r.topic().equals(TOPICS.encoderDlq.name())) {
        reasons.put(key, DeadLetter.header(r.headers(), DeadLetter.ERROR_REASON));
        assertTrue(DeadLetter.header(r.headers(), DeadLetter.SOURCE_OFFSET).matches("\\d+"));
        assertTrue(DeadLetter.header(r.headers(), DeadLetter.ERROR_MESSAGE).length() > 5);
        assertEquals(
            model.modelId(),
            DeadLetter.header(r.headers(), DeadLetter.MODEL),
            "which model's encoder refused it");
      } else if (r.topic().equals(TOPICS.embeddings.name())) {
        vectors.put(
            key, r.value() == null ? null : new EmbeddingSerde().deserialize("", r.value()));
      } else if (r.topic().equals(TOPICS.encodedQueries.name())) {
        encodedQueries++;
      }
    }
    assertEquals(
        Map.ofEntries(
            Map.entry("not-an-image", "invalid-image"),
            Map.entry("truncated", "invalid-image"),
            Map.entry("too-many-pixels", "invalid-image"),
            Map.entry("too-many-bytes", "invalid-image"),
            Map.entry("bad-metadata", "invalid-metadata"),
            Map.entry("bad-tags", "invalid-metadata"),
            Map.entry("metadata-too-large", "invalid-metadata"),
            Map.entry("<null>", "missing-key"),
            Map.entry("empty", "empty-text"),
            Map.entry("blank", "empty-text"),
            Map.entry("invalid-utf8", "invalid-utf8"),
            Map.entry("too-long", "text-too-long"),
            Map.entry("bad-query", "invalid-query")),
        reasons);
    assertEquals(3, vectors.size());
    assertNull(vectors.get("deleted"), "a tombstone passes through as a tombstone");
    assertEquals(model.dim(), vectors.get("good-image").dimension());
    assertEquals(model.modelId(), vectors.get("good-text").modelId());
    assertEquals("c", Json.object(vectors.get("good-image").metadata()).path("caption").asText());
    assertEquals(2, encodedQueries, "the good query is fanned out to both partitions");
    assertTrue(
        out.stream()
            .anyMatch(
                r ->
                    r.topic().equals(TOPICS.shardAnswers.name())
                        && new String(r.value(), StandardCharsets.UTF_8)
                            .contains("'k' must be between 1 and 100")),
        "the bad query gets an error result");
    double norm = 0;
    for (float v : vectors.get("good-text").vector()) {
      norm += v * v;
    }
    assertEquals(1.0, norm, 1e-4);
  }

  @Test
  void shouldDeadLetterOnlyTheItemThatBreaksTheModelWhenABatchThrows() {
    Towers fragile =
        new Towers() {
          @Override
          public String modelId() {
            return model.modelId();
          }

          @Override
          public int dim() {
            return model.dim();
          }

          @Override
          public float[][] encodeImages(List<BufferedImage> images) {
            return model.encodeImages(images);
          }

          @Override
          public float[][] encodeTexts(List<String> texts) {
            if (texts.contains("explode")) {
              throw new IllegalStateException("a tokenizer bug");
            }
            return model.encodeTexts(texts);
          }
        };
    String texts = TOPICS.mediaTexts.name();
    List<ConsumerRecord<byte[], byte[]>> in =
        List.of(
            record(texts, "a", "a red star".getBytes(StandardCharsets.UTF_8), null),
            record(texts, "boom", "explode".getBytes(StandardCharsets.UTF_8), null),
            record(texts, "b", "a blue moon".getBytes(StandardCharsets.UTF_8), null));

    List<ProducerRecord<byte[], byte[]>> out = mediaEncoder(fragile).encode(in, 2).records();

    List<String> got =
        out.stream()
            .map(r -> r.topic() + ":" + new String(r.key(), StandardCharsets.UTF_8))
            .toList();
    assertEquals(
        List.of(
            TOPICS.embeddings.name() + ":a",
            TOPICS.encoderDlq.name() + ":boom",
            TOPICS.embeddings.name() + ":b"),
        got);
    ProducerRecord<byte[], byte[]> letter = out.get(1);
    assertEquals("unexpected-error", DeadLetter.header(letter.headers(), DeadLetter.ERROR_REASON));
    assertEquals("a tokenizer bug", DeadLetter.header(letter.headers(), DeadLetter.ERROR_MESSAGE));
    assertEquals("explode", new String(letter.value(), StandardCharsets.UTF_8));
  }
}
