package io.crossmodal.local;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Malformed records for every topic a service reads, public and internal, each with the dead-letter
 * topic and reason it must end with: garbage bytes, empty and null values, null keys, wrong types,
 * out-of-range fields, another model's vectors and queries, and (optionally) values so large that
 * the dead letter itself would exceed the topic's record limit. Used by {@code MalformedRecordsIT}
 * and by the soak.
 */
public final class MalformedRecords {
  /**
   * One bad record; {@code key}/{@code value} may be null. {@code dlq} is "encoder" or "search".
   */
  public record Case(
      String name,
      String topic,
      byte[] key,
      byte[] value,
      Map<String, String> headers,
      String dlq,
      String reason) {}

  private final Topics topics;
  private final String modelId;
  private final int dim;
  private final List<Case> cases = new ArrayList<>();

  private MalformedRecords(Topics topics, String modelId, int dim) {
    this.topics = topics;
    this.modelId = modelId;
    this.dim = dim;
  }

  /**
   * @param hugeBytes size of the values that nearly fill a record (the topic's limit minus a
   *     little), or 0 for none
   */
  public static List<Case> all(Topics topics, String modelId, int dim, int hugeBytes) {
    MalformedRecords m = new MalformedRecords(topics, modelId, dim);
    m.media(hugeBytes);
    m.queries();
    m.embeddings();
    m.encodedQueries(hugeBytes);
    m.shardAnswers();
    m.lexicalStats();
    return List.copyOf(m.cases);
  }

  private void media(int hugeBytes) {
    String images = topics.mediaImages.name();
    String texts = topics.mediaTexts.name();
    add(
        "image-garbage",
        images,
        "bad-image-garbage",
        bytes("not an image at all"),
        Map.of(),
        "encoder",
        "invalid-image");
    add(
        "image-empty",
        images,
        "bad-image-empty",
        new byte[0],
        Map.of(),
        "encoder",
        "invalid-image");
    add(
        "image-metadata-not-json",
        images,
        "bad-image-meta",
        bytes("x"),
        Map.of("metadata", "{nope"),
        "encoder",
        "invalid-metadata");
    // No keyless media record: the media topics are compacted, so the broker refuses it at the door
    // (MediaTopicPolicyIT); the encoder's own check for one is a unit test (MediaEncoderTest).
    add(
        "text-invalid-utf8",
        texts,
        "bad-text-utf8",
        new byte[] {(byte) 0xc3, (byte) 0x28, 'x'},
        Map.of(),
        "encoder",
        "invalid-utf8");
    add("text-empty", texts, "bad-text-empty", new byte[0], Map.of(), "encoder", "empty-text");
    add(
        "text-tags-wrong-type",
        texts,
        "bad-text-tags",
        bytes("a cat"),
        Map.of("metadata", "{\"tags\": 5}"),
        "encoder",
        "invalid-metadata");
    add(
        "text-metadata-too-large",
        texts,
        "bad-text-meta-large",
        bytes("a cat"),
        Map.of("metadata", "{\"caption\":\"" + "y".repeat(70_000) + "\"}"),
        "encoder",
        "invalid-metadata");
    if (hugeBytes > 0) {
      add(
          "image-huge",
          images,
          "bad-image-huge",
          filled(hugeBytes, (byte) 0x89),
          Map.of(),
          "encoder",
          "invalid-image");
      add(
          "text-huge",
          texts,
          "bad-text-huge",
          filled(hugeBytes, (byte) 'x'),
          Map.of(),
          "encoder",
          "text-too-long");
    }
  }

  private void queries() {
    String q = topics.queries.name();
    add(
        "query-garbage",
        q,
        "bad-q-garbage",
        new byte[] {0, (byte) 0xff, 3},
        Map.of(),
        "encoder",
        "invalid-query");
    add("query-empty", q, "bad-q-empty", new byte[0], Map.of(), "encoder", "invalid-query");
    add("query-null-value", q, "bad-q-null", null, Map.of(), "encoder", "invalid-query");
    add(
        "query-wrong-type",
        q,
        "bad-q-type",
        bytes("{\"text\": 5}"),
        Map.of(),
        "encoder",
        "invalid-query");
    add(
        "query-k-zero",
        q,
        "bad-q-k",
        bytes("{\"text\": \"a cat\", \"k\": 0}"),
        Map.of(),
        "encoder",
        "invalid-query");
    add(
        "query-target-bogus",
        q,
        "bad-q-target",
        bytes("{\"text\": \"a cat\", \"target\": \"bogus\"}"),
        Map.of(),
        "encoder",
        "invalid-query");
    add(
        "query-text-too-long",
        q,
        "bad-q-long",
        bytes("{\"text\": \"" + "z".repeat(10_001) + "\"}"),
        Map.of(),
        "encoder",
        "invalid-query");
    add(
        "query-null-key",
        q,
        null,
        bytes("{\"text\": \"a cat\"}"),
        Map.of(),
        "encoder",
        "missing-key");
  }

  private void embeddings() {
    String e = topics.embeddings.name();
    EmbeddingSerde serde = new EmbeddingSerde();
    float[] unit = unitVector();
    float[] nan = unit.clone();
    nan[1] = Float.NaN;
    add(
        "embedding-garbage",
        e,
        "bad-e-garbage",
        bytes("not a vector"),
        Map.of(),
        "search",
        "corrupt-embedding");
    add("embedding-empty", e, "bad-e-empty", new byte[0], Map.of(), "search", "corrupt-embedding");
    add(
        "embedding-wrong-model",
        e,
        "bad-e-model",
        serde.serialize("", new EmbeddingRecord(Modality.IMAGE, "cm-other", unit, "", "{}", 0)),
        Map.of(),
        "search",
        "wrong-model");
    add(
        "embedding-wrong-dimension",
        e,
        "bad-e-dim",
        serde.serialize(
            "", new EmbeddingRecord(Modality.IMAGE, modelId, new float[] {1, 0, 0}, "", "{}", 0)),
        Map.of(),
        "search",
        "wrong-dimension");
    add(
        "embedding-nan",
        e,
        "bad-e-nan",
        serde.serialize("", new EmbeddingRecord(Modality.TEXT, modelId, nan, "", "{}", 0)),
        Map.of(),
        "search",
        "non-finite-vector");
    add(
        "embedding-metadata-not-json",
        e,
        "bad-e-meta",
        serde.serialize("", new EmbeddingRecord(Modality.TEXT, modelId, unit, "", "{nope", 0)),
        Map.of(),
        "search",
        "invalid-metadata");
    // No null-key case: embeddings is compacted, and the broker itself refuses keyless records
    // there.
  }

  private void encodedQueries(int hugeBytes) {
    String t = topics.encodedQueries.name();
    String vector = Arrays.toString(unitVector());
    add(
        "encoded-garbage",
        t,
        "bad-eq-garbage",
        new byte[] {'{', 0, (byte) 0xfe},
        Map.of(),
        "search",
        "corrupt-encoded-query");
    add(
        "encoded-empty",
        t,
        "bad-eq-empty",
        new byte[0],
        Map.of(),
        "search",
        "corrupt-encoded-query");
    add("encoded-null-value", t, "bad-eq-null", null, Map.of(), "search", "corrupt-encoded-query");
    add(
        "encoded-wrong-types",
        t,
        "bad-eq-types",
        bytes("{\"queryId\": [1], \"k\": \"ten\"}"),
        Map.of(),
        "search",
        "corrupt-encoded-query");
    add(
        "encoded-target-bogus",
        t,
        "bad-eq-target",
        encoded("bad-eq-target", modelId, vector, 10, "bogus"),
        Map.of(),
        "search",
        "invalid-encoded-query");
    add(
        "encoded-k-zero",
        t,
        "bad-eq-k",
        encoded("bad-eq-k", modelId, vector, 0, "any"),
        Map.of(),
        "search",
        "invalid-encoded-query");
    add(
        "encoded-no-vector",
        t,
        "bad-eq-novector",
        encoded("bad-eq-novector", modelId, "null", 10, "any"),
        Map.of(),
        "search",
        "invalid-encoded-query");
    add(
        "encoded-wrong-model",
        t,
        "bad-eq-model",
        encoded("bad-eq-model", "cm-other", vector, 10, "any"),
        Map.of(),
        "search",
        "wrong-model");
    add(
        "encoded-null-key",
        t,
        null,
        encoded("bad-eq-nokey", modelId, vector, 10, "any"),
        Map.of(),
        "search",
        "missing-key");
    if (hugeBytes > 0) {
      add(
          "encoded-huge",
          t,
          "bad-eq-huge",
          filled(hugeBytes, (byte) '['),
          Map.of(),
          "search",
          "corrupt-encoded-query");
    }
  }

  private void shardAnswers() {
    String t = topics.shardAnswers.name();
    add(
        "answer-garbage",
        t,
        "bad-sa-garbage",
        new byte[] {(byte) 0x80, '}', 7},
        Map.of(),
        "search",
        "corrupt-shard-answer");
    add("answer-empty", t, "bad-sa-empty", new byte[0], Map.of(), "search", "corrupt-shard-answer");
    add("answer-null-value", t, "bad-sa-null", null, Map.of(), "search", "corrupt-shard-answer");
    add(
        "answer-wrong-types",
        t,
        "bad-sa-types",
        bytes("{\"queryId\": {}, \"partition\": \"first\"}"),
        Map.of(),
        "search",
        "corrupt-shard-answer");
    add(
        "answer-partition-out-of-range",
        t,
        "bad-sa-range",
        answer("bad-sa-range", 7, 3, 10),
        Map.of(),
        "search",
        "invalid-shard-answer");
    add(
        "answer-k-negative",
        t,
        "bad-sa-k",
        answer("bad-sa-k", 0, 3, -1),
        Map.of(),
        "search",
        "invalid-shard-answer");
    add(
        "answer-key-mismatch",
        t,
        "bad-sa-key",
        answer("another-query", 0, 3, 10),
        Map.of(),
        "search",
        "invalid-shard-answer");
  }

  /**
   * Read by every search instance's global store; each dead-letters (and tombstones) what it
   * refuses. Compacted: keys only.
   */
  private void lexicalStats() {
    String t = topics.lexicalStats.name();
    add(
        "stats-not-a-shard",
        t,
        "bad-stats-key",
        bytes("1"),
        Map.of(),
        "search",
        "invalid-lexical-stat");
    add(
        "stats-count-garbage",
        t,
        "0:bad-stats-term",
        new byte[] {(byte) 0x80, 'x'},
        Map.of(),
        "search",
        "invalid-lexical-stat");
    add(
        "stats-collection-inconsistent",
        t,
        "9999#",
        bytes("5,1,1"),
        Map.of(),
        "search",
        "invalid-lexical-stat");
  }

  private float[] unitVector() {
    float[] v = new float[dim];
    v[0] = 1;
    return v;
  }

  private static byte[] encoded(String queryId, String model, String vector, int k, String target) {
    return bytes(
        "{\"queryId\":\""
            + queryId
            + "\",\"modelId\":\""
            + model
            + "\",\"vector\":"
            + vector
            + ",\"mediaId\":null,\"k\":"
            + k
            + ",\"target\":\""
            + target
            + "\",\"source\":null,\"tags\":null,\"partition\":0,\"partitions\":1,\"receivedAtMillis\":0,"
            + "\"encodeMillis\":0}");
  }

  private byte[] answer(String queryId, int partition, int partitions, int k) {
    return bytes(
        "{\"queryId\":\""
            + queryId
            + "\",\"partition\":"
            + partition
            + ",\"partitions\":"
            + partitions
            + ",\"k\":"
            + k
            + ",\"modelId\":\""
            + modelId
            + "\",\"hits\":[],\"error\":null,\"receivedAtMillis\":0,\"encodeMillis\":0,\"searchMillis\":0}");
  }

  private void add(
      String name,
      String topic,
      String key,
      byte[] value,
      Map<String, String> headers,
      String dlq,
      String reason) {
    cases.add(new Case(name, topic, key == null ? null : bytes(key), value, headers, dlq, reason));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int size, byte b) {
    byte[] out = new byte[size];
    Arrays.fill(out, b);
    return out;
  }
}
