package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.clip.ClipShapedFolder;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ServedModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ./crossmodal local} as a new user would: a child process from the repository root,
 * waits for {@code /health}, searches over HTTP, stops it with a signal, starts it again on the
 * same data folder and checks that state was restored without re-encoding or re-ingesting; a third
 * start with another model migrates the data folder to it in the background while search goes on,
 * and {@code ./crossmodal model status|rollback|activate} then act on that running deployment.
 */
class LocalLauncherIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  /** The bundled sample's images plus one caption each. */
  private static final int SAMPLE_ITEMS = sampleItems();

  private static final int SAMPLE_VECTORS = 2 * SAMPLE_ITEMS;
  private final HttpClient http = HttpClient.newHttpClient();

  private record Run(
      Process process, List<String> output, int searchPort, int encoderPort, int kafkaPort) {}

  private Run start(Path dataDir) throws Exception {
    return start(dataDir, "");
  }

  /** {@code set} adds config ({@code ,key=value…}) to the ports. */
  private Run start(Path dataDir, String set) throws Exception {
    int kafka = EmbeddedKafkaBroker.freePort();
    int search = EmbeddedKafkaBroker.freePort();
    int encoder = EmbeddedKafkaBroker.freePort();
    int ingest = EmbeddedKafkaBroker.freePort();
    Process p =
        new ProcessBuilder(
                ROOT.resolve("crossmodal").toString(),
                "local",
                "--data-dir",
                dataDir.toString(),
                "--kafka-port",
                String.valueOf(kafka),
                "--set",
                "search.port="
                    + search
                    + ",encoder.port="
                    + encoder
                    + ",ingest.port="
                    + ingest
                    + set)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(output::add);
              } catch (Exception ignored) {
                // process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return new Run(p, output, search, encoder, kafka);
  }

  /**
   * What the launcher printed so far. Copied under the list's lock: the reader thread appends while
   * a test reads it.
   */
  private static String text(Run run) {
    synchronized (run.output()) {
      return String.join("\n", run.output());
    }
  }

  private int get(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private void awaitHealthy(Run run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (get("http://localhost:" + run.searchPort() + "/health") != 200) {
      assertTrue(run.process().isAlive(), "launcher exited: " + text(run));
      assertTrue(System.nanoTime() < deadline, "no healthy search-service: " + text(run));
      Thread.sleep(500);
    }
  }

  private void awaitVectors(Run run, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (ScrapedMetrics.indexedVectors(run.searchPort()) < count) {
      assertTrue(System.nanoTime() < deadline, "index below " + count + ": " + text(run));
      Thread.sleep(500);
    }
  }

  /**
   * A new user's console: no per-partition broker state lines, no broker bootstrap notice, no
   * client-config warning (the lines a first start printed by the hundred before), and no warning
   * at all but the JVM's own notice of the incubating Vector API it was asked to add: a warning a
   * user cannot act on (Kafka Streams' global-handler notice, Lucene's vectorization notice,
   * Micrometer's Kafka meter re-registration) only teaches them to ignore warnings.
   */
  private static void assertQuietStart(Run run) {
    List<String> noise;
    synchronized (run.output()) {
      noise =
          run.output().stream()
              .filter(
                  l ->
                      l.contains("state.change")
                          || l.contains("QuorumController")
                          || l.contains("ConsumerConfig")
                          // Kafka Streams rightly warns of a state folder the OS may clear:
                          // a user can act on it (this test's data folder is a temp folder).
                          || (l.contains(" WARN ") && !l.contains("Using an OS temp directory"))
                          || (l.startsWith("WARNING") && !l.contains("Using incubator modules")))
              .toList();
    }
    assertEquals(List.of(), noise, "start-up noise");
  }

  private void stop(Run run) throws Exception {
    run.process().destroy(); // SIGTERM, like Ctrl-C: the shutdown hook stops services and broker
    assertTrue(run.process().waitFor(90, TimeUnit.SECONDS), "launcher did not stop on SIGTERM");
  }

  private static int records(Run run, String topic) {
    Config config =
        Config.defaults().with(Map.of("bootstrap.servers", "localhost:" + run.kafkaPort()));
    int[] n = {0};
    TopicReader.readAll(config, List.of(topic), r -> n[0]++);
    return n[0];
  }

  @Test
  void
      shouldSearchTheSampleRestoreItOnASecondRunAndMigrateToAnotherModelOnAThirdWhenStartedLikeANewUser()
          throws Exception {
    Path dataDir = Files.createTempDirectory("crossmodal-local-it");
    Run first = start(dataDir);
    try {
      awaitHealthy(first);
      awaitVectors(first, SAMPLE_VECTORS);
      assertQuietStart(first);
      HttpResponse<String> response = search(first, "a red apple");
      assertEquals(200, response.statusCode(), response.body());
      JsonNode hits = JSON.readTree(response.body()).path("hits");
      assertEquals(5, hits.size());
      for (int i = 0; i < hits.size(); i++) {
        assertEquals("image", hits.get(i).path("modality").asText());
        assertTrue(hits.get(i).path("score").asDouble() <= 1.0001);
        if (i > 0) {
          assertTrue(
              hits.get(i).path("score").asDouble() <= hits.get(i - 1).path("score").asDouble(),
              "ranked best first");
        }
      }
      assertTrue(text(first).contains("loaded " + SAMPLE_ITEMS + " sample items"));
    } finally {
      stop(first);
    }

    Run second = start(dataDir);
    try {
      awaitHealthy(second);
      awaitVectors(second, SAMPLE_VECTORS);
      Thread.sleep(3000); // give a (wrong) re-encode the chance to show up
      assertEquals(
          0.0,
          ScrapedMetrics.sum(second.encoderPort(), "crossmodal_records_out_total{"),
          "second run must not re-encode");
      assertEquals(
          SAMPLE_VECTORS,
          ScrapedMetrics.indexedVectors(second.searchPort()),
          0.0,
          "every item restored");
      // Records, not ids: an item ingested or encoded twice would be a second record under the same
      // key.
      assertEquals(
          SAMPLE_VECTORS / 2,
          records(second, "media.images"),
          "each sample image ingested once over both runs");
      assertEquals(
          SAMPLE_VECTORS / 2,
          records(second, "media.texts"),
          "each sample caption ingested once over both runs");
      assertEquals(
          SAMPLE_VECTORS,
          records(second, "embeddings." + DefaultModel.load(null).spec().modelId()),
          "each item encoded once over both runs");
      assertFalse(
          text(second).contains("loaded " + SAMPLE_ITEMS + " sample items"),
          "sample must not be ingested twice");
    } finally {
      stop(second);
    }

    // Another model on the same data folder: the old one serves while the new one re-embeds, then
    // takes over.
    String a = DefaultModel.load(null).spec().modelId();
    Path towers =
        new ClipShapedFolder(11).write(dataDir.resolveSibling(dataDir.getFileName() + "-towers"));
    Config withB = Config.defaults().with(Map.of("encoder.towers.dir", towers.toString()));
    String b = ServedModel.entry(withB, null).id();
    Run third = start(dataDir, ",encoder.towers.dir=" + towers);
    try {
      awaitHealthy(third);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      Set<String> answeredBy = new TreeSet<>();
      String model;
      do {
        assertTrue(
            System.nanoTime() < deadline,
            "B never took over; answered by " + answeredBy + ": " + text(third));
        HttpResponse<String> r = search(third, "a red apple");
        assertEquals(200, r.statusCode(), "search goes on during the migration: " + r.body());
        model = JSON.readTree(r.body()).path("model").asText();
        answeredBy.add(model);
        assertTrue(
            model.equals(a) || model.equals(b), "answered in one of the two spaces: " + model);
        Thread.sleep(500);
      } while (!model.equals(b));
      assertTrue(
          text(third)
              .contains(
                  "this data folder serves model "
                      + a
                      + "; model "
                      + b
                      + " is re-embedding the media in the background"),
          "says that it migrates: " + text(third));
      assertEquals(
          SAMPLE_VECTORS,
          ScrapedMetrics.sum(third.searchPort(), "crossmodal_index_vectors{model=\"" + b + "\""),
          0.0,
          "B's index holds every item when it takes over");
      assertEquals(
          SAMPLE_VECTORS,
          records(third, "embeddings." + b),
          "each item encoded once into B's space");
      assertEquals(
          SAMPLE_VECTORS / 2,
          records(third, "media.images"),
          "the migration replays the media, it does not ingest them again");

      // The model commands as a user types them, against this running deployment.
      String kafka = "localhost:" + third.kafkaPort();
      Cli status = cli("model", "status", "--bootstrap-servers", kafka);
      assertEquals(0, status.exit(), status.output());
      assertTrue(
          status.output().lines().anyMatch(l -> l.startsWith(b) && l.contains(" active ")),
          status.output());
      assertTrue(
          status.output().lines().anyMatch(l -> l.startsWith(a) && l.contains(" previous ")),
          status.output());
      Cli rollback = cli("model", "rollback", "--bootstrap-servers", kafka);
      assertEquals(0, rollback.exit(), rollback.output());
      assertTrue(rollback.output().contains("rolled back: active: " + a), rollback.output());
      awaitAnsweredBy(third, a);
      Cli activate = cli("model", "activate", b, "--bootstrap-servers", kafka);
      assertEquals(0, activate.exit(), activate.output());
      awaitAnsweredBy(third, b);
      Cli unknown = cli("model", "activate", "cm-0000000000000000", "--bootstrap-servers", kafka);
      assertEquals(
          1, unknown.exit(), "activating a model never deployed is refused: " + unknown.output());

      // Deploy a third model as a command, let it take over, go back to B, then drop C and A.
      Path towersC =
          new ClipShapedFolder(12).write(dataDir.resolveSibling(dataDir.getFileName() + "-c"));
      String c =
          ServedModel.entry(
                  Config.defaults().with(Map.of("encoder.towers.dir", towersC.toString())), null)
              .id();
      // --auto switches by itself once C has caught up (within the helper's 120 s).
      Cli deploy =
          cli(
              "model",
              "deploy",
              towersC.toString(),
              "--auto",
              "--timeout-s",
              "100",
              "--bootstrap-servers",
              kafka);
      assertEquals(0, deploy.exit(), deploy.output());
      assertTrue(
          deploy.output().contains("deployed model " + c)
              && deploy.output().contains("embeddings." + c)
              && deploy.output().contains("caught up; active: " + c + " (previous: " + b + ")"),
          deploy.output());
      awaitAnsweredBy(third, c);
      Cli deployed = cli("model", "status", "--bootstrap-servers", kafka);
      assertTrue(
          deployed.output().lines().anyMatch(l -> l.startsWith(c) && l.contains(" active ")),
          deployed.output());
      assertTrue(
          deployed.output().lines().anyMatch(l -> l.startsWith(b) && l.contains(" previous ")),
          deployed.output());
      Cli dropActive = cli("model", "drop", c, "--bootstrap-servers", kafka);
      assertEquals(
          1, dropActive.exit(), "the active model is never dropped: " + dropActive.output());
      Cli back = cli("model", "activate", b, "--bootstrap-servers", kafka);
      assertEquals(0, back.exit(), back.output());
      awaitAnsweredBy(third, b);
      for (String id : List.of(c, a)) {
        Cli drop = cli("model", "drop", id, "--bootstrap-servers", kafka);
        assertEquals(0, drop.exit(), drop.output());
        assertTrue(drop.output().contains("dropped model " + id + ": its topics"), drop.output());
        try (Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
          assertEquals(
              List.of(),
              admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                  .filter(t -> t.contains(id))
                  .toList(),
              "none of " + id + "'s topics is left");
        }
      }
      Cli after = cli("model", "status", "--bootstrap-servers", kafka);
      assertTrue(
          after.output().lines().noneMatch(l -> l.startsWith(a) || l.startsWith(c)),
          after.output());
      awaitAnsweredBy(third, b);
    } finally {
      stop(third);
    }
  }

  private record Cli(int exit, String output) {}

  /** {@code ./crossmodal ARGS} from the repository root, as a user runs it. */
  private static Cli cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("crossmodal").toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(
        p.waitFor(120, TimeUnit.SECONDS),
        "./crossmodal " + String.join(" ", args) + " did not end: " + output);
    return new Cli(p.exitValue(), output);
  }

  private void awaitAnsweredBy(Run run, String model) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String answered;
    do {
      assertTrue(System.nanoTime() < deadline, "queries never ran in " + model + "'s space");
      Thread.sleep(300);
      HttpResponse<String> r = search(run, "a red apple");
      assertEquals(200, r.statusCode(), r.body());
      answered = JSON.readTree(r.body()).path("model").asText();
    } while (!answered.equals(model));
  }

  private HttpResponse<String> search(Run run, String text) throws Exception {
    String body =
        JSON.createObjectNode().put("text", text).put("k", 5).put("target", "image").toString();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + run.searchPort() + "/v1/search"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int sampleItems() {
    try {
      return Manifest.read(Path.of("../../cli/sample/manifest.jsonl")).size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
