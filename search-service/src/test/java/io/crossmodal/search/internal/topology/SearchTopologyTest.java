package io.crossmodal.search.internal.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.EncodedQuery;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.event.TagFilter;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.lexical.CorpusStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchTopologyTest {
  private static final String MODEL = "cm-test";
  private final Topics topics = Topics.defaults();
  private final EmbeddingSerde serde = new EmbeddingSerde();
  @TempDir Path stateDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> embeddings;
  private TestInputTopic<String, byte[]> queries;
  private TestOutputTopic<String, String> results;
  private TestOutputTopic<byte[], byte[]> dlq;
  private final CorpusStats corpus = new CorpusStats();
  private final List<ProducerRecord<byte[], byte[]>> globalDeadLetters =
      new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    DeadLetters letters = new DeadLetters("search", topics.searchDlq.name(), 1 << 20, registry);
    p.putAll(SearchTopology.errorHandling(letters));
    driver =
        new TopologyTestDriver(
            SearchTopology.build(
                topics,
                new SearchTopology.Settings(MODEL, 2, 10, 1000, 1, true, 1500),
                new SearchMetrics(registry),
                new LocalShards(),
                corpus,
                letters,
                (topic, partition, offset, letter, tombstone) -> {
                  globalDeadLetters.add(letter);
                  if (tombstone != null) {
                    globalDeadLetters.add(tombstone);
                  }
                }),
            p);
    embeddings =
        driver.createInputTopic(
            topics.embeddings.name(), new StringSerializer(), new ByteArraySerializer());
    queries =
        driver.createInputTopic(
            topics.encodedQueries.name(), new StringSerializer(), new ByteArraySerializer());
    results =
        driver.createOutputTopic(
            topics.results.name(), new StringDeserializer(), new StringDeserializer());
    dlq =
        driver.createOutputTopic(
            topics.searchDlq.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void index(String id, Modality m, String model, float... v) {
    embeddings.pipeInput(
        id,
        serde.serialize(
            "", new EmbeddingRecord(m, model, v, "src", "{\"caption\":\"" + id + "\"}", 0)));
  }

  private JsonNode ask(String queryId, String target, float... v) {
    EncodedQuery q =
        new EncodedQuery(
            queryId,
            MODEL,
            v,
            null,
            3,
            target,
            null,
            null,
            0,
            1,
            System.currentTimeMillis(),
            1.0,
            null,
            null);
    queries.pipeInput(queryId, Json.write(q).getBytes(StandardCharsets.UTF_8));
    return Json.object(results.readValue());
  }

  private static List<String> ids(JsonNode result) {
    return StreamSupport.stream(result.path("hits").spliterator(), false)
        .map(h -> h.path("id").asText())
        .toList();
  }

  @Test
  void shouldRankByCosineAndFilterByTargetWhenQueried() {
    index("east", Modality.IMAGE, MODEL, 1, 0);
    index("north", Modality.IMAGE, MODEL, 0, 1);
    index("north-east", Modality.TEXT, MODEL, 0.7071f, 0.7071f);

    JsonNode any = ask("q1", "any", 1, 0);
    JsonNode images = ask("q2", "image", 0.7071f, 0.7071f);

    assertEquals(List.of("east", "north-east", "north"), ids(any));
    assertEquals("north-east", any.path("hits").get(1).path("metadata").path("caption").asText());
    assertEquals(1, any.path("shardsAnswered").asInt());
    assertEquals(List.of("east", "north"), ids(images));
    var quality = registry.find("crossmodal.search.quality.recall").summary();
    assertEquals(2, quality.count(), "every answer checked (sampling every 1st)");
    assertEquals(1.0, quality.mean(), "the exact index agrees with the reference scan");
  }

  private void indexWords(String id, float[] v, String metadata) {
    embeddings.pipeInput(
        id, serde.serialize("", new EmbeddingRecord(Modality.IMAGE, MODEL, v, "src", metadata, 0)));
  }

  private JsonNode askWords(String queryId, String mode, String text, float... v) {
    EncodedQuery q =
        new EncodedQuery(queryId, MODEL, v, null, 3, "any", null, null, 0, 1, 0, 0, text, mode);
    queries.pipeInput(queryId, Json.write(q).getBytes(StandardCharsets.UTF_8));
    return Json.object(results.readValue());
  }

  /**
   * The shard publishes its term counts, the global store follows them, and the three modes rank as
   * documented.
   */
  @Test
  void shouldAnswerByWordsVectorsOrBothAndPublishTheTermCounts() {
    indexWords("bus", new float[] {0, 1}, "{\"caption\":\"Bus\",\"tags\":[\"vehicle\"]}");
    indexWords("buses", new float[] {0.6f, 0.8f}, "{\"title\":\"two red buses\"}");
    indexWords("apple", new float[] {1, 0}, "{\"caption\":\"a red apple\"}");
    indexWords("blank", new float[] {0.8f, 0.6f}, "{}");
    driver.advanceWallClockTime(Duration.ofMillis(200)); // the shard's statistics punctuation
    assertEquals(
        new CorpusStats.Collection(3, 7, 7),
        corpus.collection(),
        "3 items with words: bu,vehicl (caption and tag) + two,red,bu + red,appl: 7 distinct terms, 7 long");
    assertEquals(2, corpus.docFreq("bu"), "bus and buses: one stem");
    assertEquals(2, corpus.docFreq("red"));

    JsonNode lexical = askWords("l", "lexical", "a bus", 1, 0);
    assertEquals(
        List.of("bus", "buses"),
        ids(lexical),
        "stemmed, shorter field first; the vector plays no part");
    assertEquals(List.of("lexical"), fieldNames(lexical.path("hits").get(0).path("signals")));
    JsonNode vector = askWords("v", "vector", "a bus", 1, 0);
    assertEquals(List.of("apple", "blank", "buses"), ids(vector));
    JsonNode hybrid = askWords("h", "hybrid", "a bus", 1, 0);
    // vector: apple blank buses bus; words: bus buses. bus 1/64 + 1/61 > buses 1/63 + 1/62 > apple
    // 1/61.
    assertEquals(List.of("bus", "buses", "apple"), ids(hybrid));
    assertEquals(
        List.of("vector", "lexical"), fieldNames(hybrid.path("hits").get(0).path("signals")));
    assertEquals(
        (float) (1.0 / 64 + 1.0 / 61),
        (float) hybrid.path("hits").get(0).path("score").asDouble(),
        1e-6);
    assertEquals(List.of("vector"), fieldNames(hybrid.path("hits").get(2).path("signals")));

    embeddings.pipeInput("bus", (byte[]) null);
    driver.advanceWallClockTime(Duration.ofMillis(200));
    assertEquals(1, corpus.docFreq("bu"), "the delete reached the statistics");
    assertEquals(
        List.of("buses"),
        ids(askWords("l2", "lexical", "bus", 1, 0)),
        "no ghost of the deleted item");
  }

  /**
   * A query with {@code after} waits on the shard until the embedding of that media record arrives,
   * or times out naming the lag.
   */
  @Test
  void shouldHoldAQueryBackUntilItsPositionIsAppliedAndTimeOutNamingTheLag() {
    var position = new Position("media.texts", 0, 41);
    EncodedQuery q =
        new EncodedQuery(
            "ryw",
            MODEL,
            new float[] {1, 0},
            null,
            3,
            "any",
            null,
            null,
            0,
            1,
            0,
            0,
            null,
            null,
            List.of(position));
    queries.pipeInput("ryw", Json.write(q).getBytes(StandardCharsets.UTF_8));
    assertTrue(results.isEmpty(), "held back: shard 0 has not applied media.texts:0:41");

    var headers = new RecordHeaders();
    new Position("media.texts", 0, 41).addTo(headers);
    embeddings.pipeInput(
        new TestRecord<>(
            "fresh",
            serde.serialize(
                "", new EmbeddingRecord(Modality.TEXT, MODEL, new float[] {1, 0}, "src", "{}", 0)),
            headers));
    assertEquals(
        List.of("fresh"),
        ids(Json.object(results.readValue())),
        "answered once the write was applied, and it is in");

    EncodedQuery late =
        new EncodedQuery(
            "late",
            MODEL,
            new float[] {1, 0},
            null,
            3,
            "any",
            null,
            null,
            0,
            1,
            0,
            0,
            null,
            null,
            List.of(new Position("media.texts", 0, 50)));
    queries.pipeInput("late", Json.write(late).getBytes(StandardCharsets.UTF_8));
    driver.advanceWallClockTime(Duration.ofMillis(1600)); // the after timeout here is 1500 ms
    JsonNode timedOut = Json.object(results.readValue());
    assertTrue(
        timedOut
            .path("error")
            .asText()
            .contains("applied media.texts:0 up to offset 41, the write is at 50 (9 behind)"),
        timedOut.toString());
  }

  /**
   * A query with {@code after} that another shard may hold back: the merge step waits for that
   * shard as long as the hold-back may last (1500 ms here), not only its merge timeout (1000 ms).
   */
  @Test
  void shouldWaitForAHeldBackShardLongerThanTheMergeTimeout() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    // Two shards claimed, the position on shard 1: shard 0 (the only one here) answers at once.
    EncodedQuery q =
        new EncodedQuery(
            "held",
            MODEL,
            new float[] {1, 0},
            null,
            3,
            "any",
            null,
            null,
            0,
            2,
            0,
            0,
            null,
            null,
            List.of(new Position("media.texts", 1, 7)));
    queries.pipeInput("held", Json.write(q).getBytes(StandardCharsets.UTF_8));
    driver.advanceWallClockTime(Duration.ofMillis(1200));
    assertTrue(results.isEmpty(), "still waiting for shard 1 after the 1000 ms merge timeout");
    driver.advanceWallClockTime(Duration.ofMillis(600));
    JsonNode partial = Json.object(results.readValue());
    assertEquals(1, partial.path("shardsAnswered").asInt());
    assertEquals(List.of("a"), ids(partial));
  }

  /**
   * A statistics record no shard writes is dead-lettered by the global store's processor, which
   * goes on.
   */
  @Test
  void shouldDeadLetterABadStatisticsRecordAndGoOn() {
    var stats =
        driver.createInputTopic(
            topics.lexicalStats.name(), new StringSerializer(), new ByteArraySerializer());
    stats.pipeInput("not-a-shard", "1".getBytes(StandardCharsets.UTF_8));
    stats.pipeInput("3:zebra", "2".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        2,
        globalDeadLetters.size(),
        "the dead letter, then a tombstone that compacts the bad record away");
    assertEquals(topics.searchDlq.name(), globalDeadLetters.get(0).topic());
    assertEquals(
        "invalid-lexical-stat",
        DeadLetter.header(globalDeadLetters.get(0).headers(), DeadLetter.ERROR_REASON));
    assertEquals(
        topics.lexicalStats.name(),
        DeadLetter.header(globalDeadLetters.get(0).headers(), DeadLetter.SOURCE_TOPIC));
    assertEquals(topics.lexicalStats.name(), globalDeadLetters.get(1).topic());
    assertEquals("not-a-shard", new String(globalDeadLetters.get(1).key(), StandardCharsets.UTF_8));
    assertEquals(null, globalDeadLetters.get(1).value());
    assertEquals(2, corpus.docFreq("zebra"));
    stats.pipeInput("not-a-shard", (byte[]) null);
    assertEquals(2, globalDeadLetters.size(), "the tombstone, read back, is not refused again");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void shouldReturnOnlyItemsWhoseMetadataTagsPassTheConditionWhenFilteredByTags() {
    String[][] items = {
      {"cat-red", "[\"cat\",\"red\"]"},
      {"cat-blue", "[\"cat\",\"blue\"]"},
      {"dog-red", "[\"dog\",\"red\"]"}
    };
    for (String[] item : items) {
      embeddings.pipeInput(
          item[0],
          serde.serialize(
              "",
              new EmbeddingRecord(
                  Modality.IMAGE,
                  MODEL,
                  new float[] {1, 0},
                  "src",
                  "{\"tags\":" + item[1] + "}",
                  0)));
    }
    embeddings.pipeInput(
        "bad-tags",
        serde.serialize(
            "",
            new EmbeddingRecord(
                Modality.IMAGE, MODEL, new float[] {1, 0}, "src", "{\"tags\":\"cat\"}", 0)));
    EncodedQuery q =
        new EncodedQuery(
            "q",
            MODEL,
            new float[] {1, 0},
            null,
            5,
            "any",
            null,
            new TagFilter(List.of("red"), List.of("cat", "bird")),
            0,
            1,
            0,
            0,
            null,
            null);
    queries.pipeInput("q", Json.write(q).getBytes(StandardCharsets.UTF_8));

    assertEquals(List.of("cat-red"), ids(Json.object(results.readValue())));
    assertEquals(
        "invalid-metadata", DeadLetter.header(dlq.readRecord().headers(), DeadLetter.ERROR_REASON));
  }

  @Test
  void shouldEmitOneResultPerQueryIdWhenAQueryIsReplayedAfterItWasAnswered() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    assertEquals(List.of("a"), ids(ask("q", "any", 1, 0)));
    EncodedQuery replay =
        new EncodedQuery(
            "q", MODEL, new float[] {1, 0}, null, 3, "any", null, null, 0, 1, 0, 0, null, null);
    queries.pipeInput("q", Json.write(replay).getBytes(StandardCharsets.UTF_8));
    assertTrue(results.isEmpty(), "the replayed query's answer is dropped: the query id is done");
  }

  @Test
  void shouldEmitAPartialResultAfterTheMergeTimeoutAndDropTheLateShard() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    // The query claims two shards; only shard 0 exists here, so shard 1 never answers in time.
    EncodedQuery q =
        new EncodedQuery(
            "slow", MODEL, new float[] {1, 0}, null, 3, "any", null, null, 0, 2, 0, 0, null, null);
    queries.pipeInput("slow", Json.write(q).getBytes(StandardCharsets.UTF_8));
    assertTrue(results.isEmpty(), "waits for the second shard");

    driver.advanceWallClockTime(Duration.ofMillis(1500)); // merge timeout is 1000 ms

    JsonNode partial = Json.object(results.readValue());
    assertEquals(1, partial.path("shardsAnswered").asInt());
    assertEquals(2, partial.path("shardsTotal").asInt());
    assertEquals(List.of("a"), ids(partial));
    queries.pipeInput(
        "slow", Json.write(q).getBytes(StandardCharsets.UTF_8)); // the same shard again, late
    driver.advanceWallClockTime(Duration.ofMillis(1500));
    assertTrue(results.isEmpty(), "one result per query id, even after a timeout");
  }

  @Test
  void shouldRemoveTheItemWhenATombstoneArrives() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    index("b", Modality.IMAGE, MODEL, 0, 1);
    embeddings.pipeInput("a", (byte[]) null);
    assertEquals(List.of("b"), ids(ask("q", "any", 1, 0)));
  }

  @Test
  void shouldDeadLetterVectorsOfAnotherModelOrDimensionWhenIndexing() {
    index("other-model", Modality.IMAGE, "cm-other", 1, 0);
    index("wrong-dim", Modality.IMAGE, MODEL, 1, 0, 0);
    embeddings.pipeInput("garbage", "not a vector".getBytes(StandardCharsets.UTF_8));
    index("nan", Modality.IMAGE, MODEL, Float.NaN, 0);

    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();

    assertEquals(4, dead.size());
    assertEquals("wrong-model", DeadLetter.header(dead.get(0).headers(), DeadLetter.ERROR_REASON));
    assertEquals(
        "wrong-dimension", DeadLetter.header(dead.get(1).headers(), DeadLetter.ERROR_REASON));
    assertTrue(
        DeadLetter.header(dead.get(1).headers(), DeadLetter.ERROR_MESSAGE)
            .contains("expected dim 2, got 3"));
    assertEquals(
        "corrupt-embedding", DeadLetter.header(dead.get(2).headers(), DeadLetter.ERROR_REASON));
    assertEquals(
        "non-finite-vector", DeadLetter.header(dead.get(3).headers(), DeadLetter.ERROR_REASON));
    assertEquals(
        topics.embeddings.name(),
        DeadLetter.header(dead.get(0).headers(), DeadLetter.SOURCE_TOPIC));
    assertEquals("0", DeadLetter.header(dead.get(0).headers(), DeadLetter.SOURCE_OFFSET));
    assertTrue(ids(ask("q", "any", 1, 0)).isEmpty(), "refused vectors are not searchable");
  }

  @Test
  void shouldAnswerWithAnErrorWhenTheQueryComesFromAnotherModel() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    EncodedQuery q =
        new EncodedQuery(
            "q",
            "cm-other",
            new float[] {1, 0},
            null,
            3,
            "any",
            null,
            null,
            0,
            1,
            0,
            0,
            null,
            null);
    queries.pipeInput("q", Json.write(q).getBytes(StandardCharsets.UTF_8));
    JsonNode r = Json.object(results.readValue());
    assertTrue(r.path("error").asText().contains("cm-other"), r.toString());
    assertEquals(0, r.path("hits").size());
    assertEquals(
        "wrong-model",
        DeadLetter.header(dlq.readRecord().headers(), DeadLetter.ERROR_REASON),
        "and the record is dead-lettered");
  }

  @Test
  void shouldDeadLetterMalformedEncodedQueriesAndKeepAnsweringWhenTheyArrive() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    queries.pipeInput("garbage", new byte[] {'{', 0});
    queries.pipeInput("null", (byte[]) null);
    queries.pipeInput(
        null,
        Json.write(
                new EncodedQuery(
                    "nokey",
                    MODEL,
                    new float[] {1, 0},
                    null,
                    3,
                    "any",
                    null,
                    null,
                    0,
                    1,
                    0,
                    0,
                    null,
                    null))
            .getBytes(StandardCharsets.UTF_8));
    queries.pipeInput(
        "bogus",
        Json.write(
                new EncodedQuery(
                    "bogus",
                    MODEL,
                    new float[] {1, 0},
                    null,
                    3,
                    "bogus",
                    null,
                    null,
                    0,
                    1,
                    0,
                    0,
                    null,
                    null))
            .getBytes(StandardCharsets.UTF_8));
    queries.pipeInput(
        "k0",
        Json.write(
                new EncodedQuery(
                    "k0",
                    MODEL,
                    new float[] {1, 0},
                    null,
                    0,
                    "any",
                    null,
                    null,
                    0,
                    1,
                    0,
                    0,
                    null,
                    null))
            .getBytes(StandardCharsets.UTF_8));
    queries.pipeInput(
        "k-big",
        Json.write(
                new EncodedQuery(
                    "k-big",
                    MODEL,
                    new float[] {1, 0},
                    null,
                    11,
                    "any",
                    null,
                    null,
                    0,
                    1,
                    0,
                    0,
                    null,
                    null))
            .getBytes(StandardCharsets.UTF_8));
    queries.pipeInput(
        "other-key",
        Json.write(
                new EncodedQuery(
                    "mismatch",
                    MODEL,
                    new float[] {1, 0},
                    null,
                    3,
                    "any",
                    null,
                    null,
                    0,
                    1,
                    0,
                    0,
                    null,
                    null))
            .getBytes(StandardCharsets.UTF_8));

    List<String> reasons =
        dlq.readRecordsToList().stream()
            .map(r -> DeadLetter.header(r.headers(), DeadLetter.ERROR_REASON))
            .toList();
    assertEquals(
        List.of(
            "corrupt-encoded-query",
            "corrupt-encoded-query",
            "missing-key",
            "invalid-encoded-query",
            "invalid-encoded-query",
            "invalid-encoded-query",
            "invalid-encoded-query"),
        reasons);
    List<String> errors =
        results.readValuesToList().stream()
            .map(v -> Json.object(v).path("queryId").asText())
            .toList();
    assertEquals(
        List.of("bogus", "k0", "k-big"),
        errors,
        "queries with a sound envelope still get an error result");
    assertEquals(List.of("a"), ids(ask("q", "any", 1, 0)), "and the shard goes on answering");
  }

  @Test
  void shouldDeadLetterMalformedShardAnswersAndKeepMergingWhenTheyArrive() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    TestInputTopic<String, byte[]> answers =
        driver.createInputTopic(
            topics.shardAnswers.name(), new StringSerializer(), new ByteArraySerializer());
    answers.pipeInput("garbage", new byte[] {(byte) 0x80});
    answers.pipeInput("empty", new byte[0]);
    answers.pipeInput("range", answer("range", 7, 3, 10));
    answers.pipeInput("k", answer("k", 0, 1, -1));
    answers.pipeInput("mismatch", answer("other", 0, 1, 3));

    List<String> reasons =
        dlq.readRecordsToList().stream()
            .map(r -> DeadLetter.header(r.headers(), DeadLetter.ERROR_REASON))
            .toList();
    assertEquals(
        List.of(
            "corrupt-shard-answer",
            "corrupt-shard-answer",
            "invalid-shard-answer",
            "invalid-shard-answer",
            "invalid-shard-answer"),
        reasons);
    assertTrue(results.isEmpty(), "no result from a bad answer");
    assertEquals(List.of("a"), ids(ask("q", "any", 1, 0)), "and the merge step goes on");
  }

  private byte[] answer(String queryId, int partition, int partitions, int k) {
    return Json.write(
            new ShardAnswer(queryId, partition, partitions, k, MODEL, List.of(), null, 0, 0, 0))
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldSearchWithTheStoredVectorWhenQueryingByExample() {
    index("a", Modality.IMAGE, MODEL, 1, 0);
    index("b", Modality.TEXT, MODEL, 0.6f, 0.8f);
    index("c", Modality.IMAGE, MODEL, 0, 1);
    EncodedQuery byExample =
        new EncodedQuery("q", MODEL, null, "a", 2, "any", null, null, 0, 1, 0, 0, null, null);
    queries.pipeInput("q", Json.write(byExample).getBytes(StandardCharsets.UTF_8));
    pipeFannedOutQueries();

    assertEquals(List.of("a", "b"), ids(Json.object(results.readValue())));
  }

  @Test
  void shouldAnswerWithAnErrorWhenTheExampleIsUnknown() {
    EncodedQuery byExample =
        new EncodedQuery("q", MODEL, null, "nope", 2, "any", null, null, 0, 1, 0, 0, null, null);
    queries.pipeInput("q", Json.write(byExample).getBytes(StandardCharsets.UTF_8));
    JsonNode r = Json.object(results.readValue());
    assertTrue(r.path("error").asText().contains("unknown mediaId 'nope'"), r.toString());
  }

  /**
   * The driver does not loop a sink's output back into a source of the same topology; do it by
   * hand.
   */
  private void pipeFannedOutQueries() {
    var fanned =
        driver.createOutputTopic(
            topics.encodedQueries.name(), new StringDeserializer(), new StringDeserializer());
    while (!fanned.isEmpty()) {
      var r = fanned.readRecord();
      queries.pipeInput(r.key(), r.value().getBytes(StandardCharsets.UTF_8));
    }
  }
}
