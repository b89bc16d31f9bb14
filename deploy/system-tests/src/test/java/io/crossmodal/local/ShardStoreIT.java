package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.search.app.SearchService;
import io.crossmodal.search.lexical.Analysis;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shard store's contract on a real broker with real RocksDB state: put, overwrite and delete
 * (tombstone) give exactly the naive top-k of the live set; a restart on the same state folder and
 * a start on an empty one (restore from the changelog) answer the same; writes after the restore
 * (reusing freed slots) stay exact. The lexical index likewise: after each stage its answers equal
 * those of a Lucene index built afresh from the live set (a restored index is a fresh build;
 * deletes and overwrites leave no ghost words).
 */
class ShardStoreIT {
  private static final String MODEL = "cm-store-it";
  private static final int DIM = 16;
  private static final int PARTITIONS = 2;
  @TempDir Path dir;
  private final Random random = new Random(5);
  private final Map<String, float[]> live = new LinkedHashMap<>();
  private final Map<String, String> words = new LinkedHashMap<>();
  private static final String[] WORDS = {
    "red", "dog", "dogs", "bus", "apple", "tree", "boat", "house", "cat", "green", "car", "moon"
  };
  private final List<String> texts = new ArrayList<>();

  @Test
  void shouldAnswerFromTheLiveSetAfterPutsOverwritesDeletesRestartsAndChangelogRestore()
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0)) {
      Config config =
          Config.defaults()
              .with(
                  Map.of(
                      "bootstrap.servers",
                      broker.bootstrapServers(),
                      "topic.partitions",
                      String.valueOf(PARTITIONS),
                      "search.port",
                      "0",
                      "search.application.id",
                      "store-it"));
      KafkaClients.createTopics(config);
      // The vectors are written by the test: a model entry naming the space, with no towers an
      // encoder could load.
      ModelControl models = new ModelControl(config);
      models.deploy(new ModelEntry(MODEL, DIM, "random vectors written by the test", null, "-", 0));
      models.activate(MODEL);
      Topics topics = ModelSpace.of(config, MODEL);
      List<float[]> queries = new ArrayList<>();
      for (int q = 0; q < 8; q++) {
        queries.add(RandomVectors.unit(random, DIM));
        texts.add(WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]);
      }
      try (KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(
                  KafkaClients.producer(config),
                  new StringSerializer(),
                  new ByteArraySerializer());
          ShardQueries asker = new ShardQueries(config, topics, MODEL, PARTITIONS)) {
        try (SearchService first =
            new SearchService(config.with(Map.of("search.state.dir", dir.resolve("a").toString())))
                .start()) {
          for (int i = 0; i < 200; i++) {
            put(producer, topics, "v" + i);
          }
          for (int i = 0; i < 50; i++) {
            put(producer, topics, "v" + i); // overwrite with a new vector
          }
          for (int i = 50; i < 100; i++) {
            delete(producer, topics, "v" + i);
          }
          producer.flush();
          awaitExact(asker, queries, "written");
        }

        try (SearchService sameFolder =
            new SearchService(config.with(Map.of("search.state.dir", dir.resolve("a").toString())))
                .start()) {
          awaitExact(asker, queries, "restarted on its state folder");
        }

        try (SearchService emptyFolder =
            new SearchService(config.with(Map.of("search.state.dir", dir.resolve("b").toString())))
                .start()) {
          awaitExact(asker, queries, "restored from the changelog");
          for (int i = 100; i < 130; i++) {
            delete(producer, topics, "v" + i);
          }
          for (int i = 200; i < 260; i++) {
            put(producer, topics, "v" + i); // new ids take the freed slots
          }
          producer.flush();
          awaitExact(asker, queries, "written after the restore");
        }
      }
    }
  }

  private void put(KafkaProducer<String, byte[]> producer, Topics topics, String id) {
    float[] v = RandomVectors.unit(random, DIM);
    live.put(id, v);
    String caption =
        WORDS[random.nextInt(WORDS.length)]
            + " "
            + WORDS[random.nextInt(WORDS.length)]
            + " "
            + WORDS[random.nextInt(WORDS.length)];
    words.put(id, caption);
    producer.send(
        new ProducerRecord<>(
            topics.embeddings.name(),
            id,
            new EmbeddingSerde()
                .serialize(
                    "",
                    new EmbeddingRecord(
                        Modality.IMAGE,
                        MODEL,
                        v,
                        "it",
                        Json.MAPPER.createObjectNode().put("caption", caption).toString(),
                        0))));
  }

  private void delete(KafkaProducer<String, byte[]> producer, Topics topics, String id) {
    live.remove(id);
    words.remove(id);
    producer.send(new ProducerRecord<>(topics.embeddings.name(), id, null));
  }

  /** Naive top-10 ids of the live set for each query. */
  private List<List<String>> expected(List<float[]> queries) {
    List<List<String>> out = new ArrayList<>();
    for (float[] q : queries) {
      out.add(
          live.entrySet().stream()
              .sorted(
                  Comparator.comparingDouble(
                          (Map.Entry<String, float[]> e) -> -dot(q, e.getValue()))
                      .thenComparing(Map.Entry::getKey))
              .limit(10)
              .map(Map.Entry::getKey)
              .toList());
    }
    return out;
  }

  /**
   * The words' top-10 ids from a Lucene index built afresh from the live set (one shard: the whole
   * index's statistics).
   */
  private List<List<String>> expectedByWords() {
    LexicalIndex fresh = new LexicalIndex();
    words.forEach((id, text) -> fresh.upsert(id, Modality.IMAGE, "it", List.of(), text));
    var corpus = new CorpusStats().withShard(0, fresh.termCounts(), fresh.collection());
    List<List<String>> out = new ArrayList<>();
    for (String t : texts) {
      out.add(
          fresh.search(Analysis.queryTerms(t), 10, SearchFilter.ANY, corpus).stream()
              .map(Match::id)
              .toList());
    }
    fresh.close();
    return out;
  }

  /**
   * Asks until the answers equal the naive ones (the service may still be catching up), at most 60
   * s.
   */
  private void awaitExact(ShardQueries asker, List<float[]> queries, String stage)
      throws Exception {
    List<List<String>> want = expected(queries);
    want = new ArrayList<>(want);
    want.addAll(expectedByWords());
    List<List<String>> got = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int round = 0;
    while (System.nanoTime() < deadline) {
      String r = stage.replace(' ', '-') + "-" + round++;
      List<List<String>> raw = new ArrayList<>(asker.askAll(queries, r));
      raw.addAll(asker.askAll(queries, texts, "lexical", r + "-words"));
      got =
          raw.stream()
              .map(hits -> hits.stream().map(h -> h.substring(0, h.indexOf('@'))).toList())
              .toList();
      if (got.equals(want)) {
        System.out.printf("store: %s: exact after %d round(s)%n", stage, round);
        return;
      }
      Thread.sleep(500);
    }
    assertEquals(want, got, stage);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
