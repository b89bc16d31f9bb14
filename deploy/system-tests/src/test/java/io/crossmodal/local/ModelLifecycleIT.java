package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.models.ActiveModel;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelProgress;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.clip.ClipShapedFolder;
import io.crossmodal.model.joint.ServedModel;
import io.crossmodal.search.app.SearchService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue/green re-embedding against a real broker: model A (the bundled model file) serves N items;
 * model B (a CLIP-format towers folder) is deployed while queries, ingests and deletes go on; one
 * of the two encoder processes is killed with SIGKILL in the middle of B's replay and restarted. No
 * query fails or answers from two spaces, B ends with exactly A's ids and each item encoded once
 * per source record, the switch needs B caught up, rollback returns to A, and dropping B deletes
 * its space while A serves on.
 */
class ModelLifecycleIT {
  private static final int ITEMS = 1200;
  private static final String[] TEXTS = {"a red dog", "car", "a red car", "dog", "a car"};

  @TempDir Path dir;
  private final List<ServiceProcess> encoders = new ArrayList<>();
  private EmbeddedKafkaBroker broker;
  private SearchService search;

  @AfterEach
  void stop() throws Exception {
    if (search != null) {
      search.close();
    }
    for (ServiceProcess e : encoders) {
      if (e.alive()) {
        e.stop();
      }
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldReEmbedIntoTheNewSpaceWhileServingTheOldAndSwitchAndRollBackWithoutLossOrDuplicates()
      throws Exception {
    broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    Config config =
        Config.defaults()
            .with(
                Map.of(
                    "bootstrap.servers",
                    broker.bootstrapServers(),
                    "topic.partitions",
                    "2",
                    "search.port",
                    "0",
                    "search.state.dir",
                    dir.resolve("search").toString()));
    KafkaClients.createTopics(config);
    ModelEntry a = ServedModel.entry(config, null);
    Path towers = new ClipShapedFolder(11).write(dir.resolve("towers"));
    ModelEntry b =
        ServedModel.entry(config.with(Map.of("encoder.towers.dir", towers.toString())), null);

    // Two encoders (the first one's start deploys and activates A); queries are encoded by the
    // first.
    ServiceProcess queriesEncoder = encoder(0);
    queriesEncoder.awaitHealthy(180);
    ServiceProcess victim = encoder(1);
    victim.awaitHealthy(180);
    search =
        new SearchService(
                config.with(
                    Map.of("search.encoder.url", "http://localhost:" + queriesEncoder.port())))
            .start();
    ModelControl control = new ModelControl(config);
    assertEquals(a.id(), control.state().activeId());

    Set<String> live = ConcurrentHashMap.newKeySet();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < ITEMS; i++) {
        send(producer, config, "t" + i, TEXTS[i % TEXTS.length]);
        live.add("t" + i);
      }
      producer.flush();
      awaitCaughtUp(config, a.id(), Duration.ofMinutes(5));

      // Queries and ingests/deletes go on through the whole migration.
      AtomicBoolean running = new AtomicBoolean(true);
      Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      Thread queries = new Thread(() -> queryLoad(running, answeredBy, failures), "it-queries");
      queries.start();
      AtomicInteger next = new AtomicInteger(ITEMS);
      Thread writes =
          new Thread(
              () -> {
                while (running.get()) {
                  int i = next.getAndIncrement();
                  send(producer, config, "t" + i, TEXTS[i % TEXTS.length]);
                  live.add("t" + i);
                  if (i % 3 == 0) { // delete an item of the first batch
                    String gone = "t" + (i % ITEMS);
                    producer.send(
                        new ProducerRecord<>(config.topicNames().mediaTexts(), gone, null));
                    live.remove(gone);
                  }
                  sleep(20);
                }
              },
              "it-writes");
      writes.start();

      // When B is deployed, and an encoder is killed while B's replay is under way
      control.deploy(b);
      ModelProgress.Snapshot mid = awaitReplayStarted(config, b.id());
      assertTrue(mid.mediaLag() > 0, "killed mid-replay: " + mid);
      assertTrue(victim.kill(), "the encoder was serving and died by SIGKILL");
      assertEquals(a.id(), control.state().activeId(), "A serves during the migration");
      victim = encoder(1);
      victim.awaitHealthy(180);

      running.set(false);
      writes.join();
      producer.flush();
      queries.join();

      // Then the switch happens once B has caught up, with A's ids
      ActiveModel switched = control.activateWhenCaughtUp(b.id(), Duration.ofMinutes(5), s -> {});
      assertNotNull(switched, "B caught up");
      assertEquals(a.id(), switched.previous());
      assertEquals(
          live,
          ModelProgress.liveIds(config, a.id()),
          "A holds every item ingested and none deleted");
      assertEquals(
          live,
          ModelProgress.liveIds(config, b.id()),
          "B holds exactly A's items, those of the migration included");
      assertEncodedOnce(config, b.id());
      awaitActive(b.id());
      assertEquals(
          b.id(),
          answer("a red dog").path("model").asText(),
          "queries run in B's space after the switch");
      assertIndexed(b.id(), live.size());

      assertEquals(List.of(), failures, "no query failed during the migration");
      assertEquals(
          Set.of(a.id()),
          answeredBy.keySet(),
          "before the switch every query ran in A's space: " + answeredBy);

      // Rollback returns to A, which was kept up to date
      assertEquals(a.id(), control.rollback().model());
      awaitActive(a.id());
      assertEquals(a.id(), answer("a red dog").path("model").asText());
      assertIndexed(a.id(), live.size());

      // Dropping frees B (never the active model): its encoders and index stop, its topics go, A
      // serves on
      assertThrows(
          IllegalArgumentException.class,
          () -> control.drop(a.id()),
          "the active model is never dropped");
      assertTrue(
          control.dropAndFree(b.id(), Duration.ofMinutes(2)),
          "B's encoders and index left their groups");
      assertFalse(control.state().models().containsKey(b.id()));
      try (Admin admin = Admin.create(config.kafkaClientProperties())) {
        Set<String> left = new HashSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        left.removeIf(t -> !t.contains(b.id()));
        assertEquals(Set.of(), left, "none of B's topics is left");
      }
      assertThrows(
          IllegalArgumentException.class, control::rollback, "B, the rollback target, is gone");
      assertEquals(a.id(), answer("a red dog").path("model").asText());
      assertIndexed(a.id(), live.size());
    }
  }

  private ServiceProcess encoder(int n) throws Exception {
    int port = EmbeddedKafkaBroker.freePort();
    ServiceProcess p =
        new ServiceProcess(
                "encoder-service",
                List.of(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--set",
                    "encoder.port=" + port + ",encoder.batch.size=8,topic.partitions=2"),
                port,
                dir.resolve("encoder-" + n + ".log"))
            .start();
    encoders.add(p);
    return p;
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, Config config, String id, String text) {
    producer.send(
        new ProducerRecord<>(
            config.topicNames().mediaTexts(), id, text.getBytes(StandardCharsets.UTF_8)));
  }

  private void queryLoad(
      AtomicBoolean running, Map<String, AtomicInteger> answeredBy, List<String> failures) {
    while (running.get()) {
      try {
        JsonNode r = answer("a red dog");
        if (!r.path("error").isNull() || r.path("hits").size() == 0) {
          failures.add(r.toString());
        } else {
          answeredBy
              .computeIfAbsent(r.path("model").asText(), k -> new AtomicInteger())
              .incrementAndGet();
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
      sleep(50);
    }
  }

  private JsonNode answer(String text) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + search.httpPort() + "/v1/search"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"text\":\"" + text + "\",\"k\":5,\"mode\":\"vector\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
    }
    return Json.object(r.body());
  }

  /** Waits until B's encoders have committed some of the replay but not all of it. */
  private static ModelProgress.Snapshot awaitReplayStarted(Config config, String id)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      ModelProgress.Snapshot s = ModelProgress.of(config, id);
      if (s.mediaDone() > 0) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the replay of " + id + " did not start");
  }

  private static void awaitCaughtUp(Config config, String id, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ModelProgress.of(config, id).caughtUp()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " not caught up: " + ModelProgress.of(config, id));
      }
      Thread.sleep(200);
    }
  }

  private void awaitActive(String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!id.equals(search.activeModel()) || !search.healthy()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "search did not switch to " + id + " (active " + search.activeModel() + ")");
      }
      Thread.sleep(100);
    }
  }

  /** The index of {@code id} holds {@code n} vectors (its shard gauges, tagged with the model). */
  private void assertIndexed(String id, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double indexed;
    while ((indexed =
            ScrapedMetrics.sum(search.httpPort(), "crossmodal_index_vectors{model=\"" + id + "\""))
        != n) {
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(n, indexed, 0.0, "vectors in the index of " + id);
  }

  /**
   * No source record encoded twice into the space, the kill -9 and the replays included (by their
   * source-position headers).
   */
  private static void assertEncodedOnce(Config config, String id) {
    Map<String, Integer> seen = new HashMap<>();
    Set<String> keys = new HashSet<>();
    TopicReader.readAll(
        config,
        List.of(ModelSpace.topics(config.topicNames(), id).embeddings()),
        r -> {
          if (r.value() != null) {
            seen.merge(Position.of(r.headers()).toString(), 1, Integer::sum);
            keys.add(new String(r.key(), StandardCharsets.UTF_8));
          }
        });
    assertTrue(seen.size() >= keys.size());
    assertEquals(
        Map.of(), filterRepeated(seen), "source records encoded more than once into " + id);
  }

  private static Map<String, Integer> filterRepeated(Map<String, Integer> counts) {
    Map<String, Integer> out = new HashMap<>();
    counts.forEach(
        (k, v) -> {
          if (v > 1) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
