package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ModelSpec;
import io.crossmodal.model.joint.ServedModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code search-service} processes (child JVMs started with {@code ./crossmodal
 * search-service}, each with its own state folder) against one broker with 6 partitions: they
 * answer exactly what one instance answers, and after one is killed with SIGKILL the others take
 * over its shards (restored from the changelogs) and answer exactly the same again. Queries go in
 * as the encoder writes them (one copy per shard on the encoded-queries topic) and come out of
 * {@code search.results}.
 */
class SearchClusterIT {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final int PARTITIONS = 6;
  private static final int VECTORS = 3000;
  private static final int QUERIES = 12;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> processes = new ArrayList<>();
  private EmbeddedKafkaBroker broker;
  private final List<float[]> stored = new ArrayList<>();
  @TempDir Path dir;

  private record Instance(Process process, int port) {}

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldAnswerLikeOneInstanceWhenThreeShareTheShardsAndAfterOneIsKilled() throws Exception {
    broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    Config config =
        Config.defaults()
            .with(
                Map.of(
                    "bootstrap.servers",
                    broker.bootstrapServers(),
                    "topic.partitions",
                    String.valueOf(PARTITIONS)));
    KafkaClients.createTopics(config);
    ModelSpec spec = DefaultModel.load(null).spec();
    // No encoder runs here: the bundled model is deployed and activated as an encoder's first start
    // would.
    ModelControl models = new ModelControl(config);
    models.deploy(ServedModel.entry(config, null));
    models.activate(spec.modelId());
    Topics topics = ModelSpace.of(config, spec.modelId());
    Random random = new Random(11);

    Instance a = start("a");
    awaitHealthy(a);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer())) {
      EmbeddingSerde serde = new EmbeddingSerde();
      for (int i = 0; i < VECTORS; i++) {
        float[] v = RandomVectors.unit(random, spec.dim());
        stored.add(v);
        EmbeddingRecord e =
            new EmbeddingRecord(
                Modality.IMAGE,
                spec.modelId(),
                v,
                "it",
                "{\"n\":" + i + ",\"caption\":\"" + words(random, 1 + random.nextInt(5)) + "\"}",
                0);
        producer.send(
            new ProducerRecord<>(topics.embeddings.name(), "v" + i, serde.serialize("", e)));
      }
    }
    awaitIndexed(List.of(a));
    List<float[]> queries = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int q = 0; q < QUERIES; q++) {
      queries.add(RandomVectors.unit(random, spec.dim()));
      texts.add(words(random, 2));
    }

    try (ShardQueries asker = new ShardQueries(config, topics, spec.modelId(), PARTITIONS)) {
      List<List<String>> one = asker.askAll(queries, "one");
      awaitCorpus(List.of(a));
      List<List<String>> oneLexical = asker.askAll(queries, texts, "lexical", "one-lexical");
      List<List<String>> oneHybrid = asker.askAll(queries, texts, "hybrid", "one-hybrid");
      assertTrue(
          oneHybrid.stream()
              .flatMap(List::stream)
              .anyMatch(h -> h.contains("\"vector\"") && h.contains("\"lexical\"")),
          "some hybrid hits were found by both signals: " + oneHybrid.get(0));

      Instance b = start("b");
      Instance c = start("c");
      awaitHealthy(b);
      awaitHealthy(c);
      awaitIndexed(List.of(a, b, c));
      assertTrue(shards(b) > 0 && shards(c) > 0, "the new instances took shards");
      assertEquals(one, asker.askAll(queries, "three"), "three instances answer exactly like one");
      awaitCorpus(List.of(a, b, c));
      assertEquals(
          oneLexical,
          asker.askAll(queries, texts, "lexical", "three-lexical"),
          "words: three instances answer like one");
      assertEquals(
          oneHybrid,
          asker.askAll(queries, texts, "hybrid", "three-hybrid"),
          "fused: three instances answer like one");
      assertDirectRouteAgrees(asker, List.of(a, b, c));

      b.process()
          .destroyForcibly()
          .waitFor(10, TimeUnit.SECONDS); // SIGKILL: no leave-group, no flush
      long killedAt = System.nanoTime();
      // Keep asking while the group notices and the shards move: every query gets exactly one
      // result (partial ones allowed during the move), until answers are complete again.
      int partial = 0;
      List<List<String>> after = null;
      while (after == null) {
        assertTrue(
            System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(120),
            "no complete answers 120 s after the kill");
        JsonNode r = asker.ask(queries.get(0), "probe-" + partial);
        if (r.path("shardsAnswered").asInt() == PARTITIONS) {
          after = asker.askAll(queries, "after-kill");
        } else {
          partial++;
        }
      }
      System.out.printf(
          "failover: complete answers %.1f s after SIGKILL (%d partial answers before)%n",
          (System.nanoTime() - killedAt) / 1e9, partial);
      awaitIndexed(List.of(a, c));
      assertEquals(one, after, "after the kill the survivors answer exactly like one instance");
      assertEquals(
          oneHybrid,
          asker.askAll(queries, texts, "hybrid", "after-kill-hybrid"),
          "fused, after the kill");
      assertDirectRouteAgrees(asker, List.of(a, c));
      assertEquals(0, asker.duplicates(), "one result per query id");
    }
  }

  /**
   * POST /v1/search on every instance (direct route: each scans its own shards and asks its peers
   * over HTTP) answers query-by-example exactly like the topic path does for the same vector, and
   * GET /v1/media/{id} finds every item from every instance (forwarded to the shard's instance).
   */
  private void assertDirectRouteAgrees(ShardQueries asker, List<Instance> instances)
      throws Exception {
    for (int n : new int[] {0, 7, 1234, VECTORS - 1}) {
      List<String> viaTopics =
          asker.askAll(List.of(stored.get(n)), "example-" + n + "-" + instances.size()).get(0);
      for (Instance i : instances) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + i.port() + "/v1/search"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"mediaId\":\"v" + n + "\",\"k\":10}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode result = Json.MAPPER.readTree(r.body());
        assertEquals(PARTITIONS, result.path("shardsAnswered").asInt(), r.body());
        List<String> ids = new ArrayList<>();
        result
            .path("hits")
            .forEach(
                h ->
                    ids.add(
                        h.path("id").asText()
                            + "@"
                            + h.path("score").asText()
                            + h.path("signals")));
        assertEquals(viaTopics, ids, "direct route on port " + i.port() + " for v" + n);
        assertEquals("v" + n, result.path("hits").get(0).path("id").asText());
        assertEquals(
            n,
            result.path("hits").get(0).path("metadata").path("n").asInt(),
            "hits carry their stored metadata");
        HttpResponse<String> media =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + i.port() + "/v1/media/v" + n))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(
            200, media.statusCode(), "v" + n + " from port " + i.port() + ": " + media.body());
      }
    }
  }

  private Instance start(String name) throws Exception {
    int port = EmbeddedKafkaBroker.freePort();
    ProcessBuilder pb =
        new ProcessBuilder(
                ROOT.resolve("crossmodal").toString(),
                "search-service",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--set",
                "search.port="
                    + port
                    + ",search.state.dir="
                    + dir.resolve("state-" + name)
                    + ",topic.partitions="
                    + PARTITIONS)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("CROSSMODAL_JAVA_OPTS", "-Xmx512m");
    Process p = pb.start();
    processes.add(p);
    return new Instance(p, port);
  }

  private void awaitHealthy(Instance i) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      assertTrue(i.process().isAlive(), "instance exited: see " + dir);
      try {
        if (http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + i.port() + "/health"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new AssertionError("instance not healthy in 180 s");
  }

  private static final String[] WORDS = {
    "red", "dog", "dogs", "bus", "buses", "apple", "tree", "boat", "small", "big", "house", "cat",
    "green", "car", "flag", "star", "sun", "moon", "fish", "bird"
  };

  private static String words(Random random, int n) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return out.toString();
  }

  /** Waits until every instance's lexical statistics count every item (they score with them). */
  private void awaitCorpus(List<Instance> instances) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (Instance i : instances) {
      while (ScrapedMetrics.sum(i.port(), "crossmodal_lexical_corpus_docs") != VECTORS) {
        assertTrue(
            System.nanoTime() < deadline,
            "port "
                + i.port()
                + " counts "
                + ScrapedMetrics.sum(i.port(), "crossmodal_lexical_corpus_docs"));
        Thread.sleep(200);
      }
    }
  }

  /** Waits until the instances' shard gauges cover all partitions and add up to every vector. */
  private void awaitIndexed(List<Instance> instances) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    double vectors = 0;
    int shards = 0;
    while (System.nanoTime() < deadline) {
      vectors = 0;
      shards = 0;
      for (Instance i : instances) {
        vectors += ScrapedMetrics.indexedVectors(i.port());
        shards += shards(i);
      }
      if (vectors == VECTORS && shards == PARTITIONS) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("indexed " + vectors + " vectors in " + shards + " shards");
  }

  private int shards(Instance i) throws Exception {
    return (int) ScrapedMetrics.count(i.port(), "crossmodal_index_vectors{");
  }
}
