package io.crossmodal.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ModelSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The crash test: while items stream into a real broker, the encoder and search services (child
 * JVMs) are killed with SIGKILL at random points and restarted, and the broker is restarted once.
 * Then it checks, from the topics themselves and the search service's view of every id:
 *
 * <ul>
 *   <li><b>lost</b>: live media ids (last record not a tombstone) missing from {@code embeddings}
 *       or from the search index, plus deleted ids still searchable;
 *   <li><b>duplicated</b>: committed {@code embeddings} records beyond one per media record, and
 *       dead letters beyond one per bad record;
 *   <li>every query gets exactly one result record;
 *   <li>every malformed record ({@link MalformedRecords}: every topic the services read, internal
 *       ones included, sent before and between the kills) is dead-lettered exactly once with its
 *       reason.
 * </ul>
 *
 * <p>The chaos is counted as it happened, not as planned: a kill counts only if it killed a healthy
 * service by the signal, a broker restart only if the broker's port was really closed in between.
 */
public final class Soak {
  private static final String[] WORDS = {
    "apple", "car", "flag", "cat", "tree", "house", "star", "boat", "sun", "book"
  };
  private final Path dir;
  private final int items;
  private final List<Item> images;
  private final Random random;
  private final List<String> events = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  public Soak(Path dir, int items, List<Item> images, long seed) {
    this.dir = dir;
    this.items = items;
    this.images = images;
    this.random = new Random(seed);
  }

  public ObjectNode run(boolean progress) throws Exception {
    int kafkaPort = EmbeddedKafkaBroker.freePort();
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), kafkaPort);
    Config config = Config.defaults().with(Map.of("bootstrap.servers", broker.bootstrapServers()));
    KafkaClients.createTopics(config);
    ModelSpec model =
        DefaultModel.load(null)
            .spec(); // the model the child services serve (the encoder's first start activates it)
    Topics topics = new Topics(ModelSpace.topics(config.topicNames(), model.modelId()));
    int encoderPort = EmbeddedKafkaBroker.freePort();
    int searchPort = EmbeddedKafkaBroker.freePort();
    List<String> common = List.of("--bootstrap-servers", broker.bootstrapServers());
    ServiceProcess encoder =
        new ServiceProcess(
                "encoder-service",
                concat(common, "--set", "encoder.port=" + encoderPort),
                encoderPort,
                dir.resolve("encoder.log"))
            .start();
    ServiceProcess search =
        new ServiceProcess(
                "search-service",
                concat(
                    common,
                    "--set",
                    "search.port="
                        + searchPort
                        + ",search.encoder.url=http://localhost:"
                        + encoderPort
                        + ",search.state.dir="
                        + dir.resolve("search-state")),
                searchPort,
                dir.resolve("search.log"))
            .start();
    encoder.awaitHealthy(180);
    search.awaitHealthy(180);
    log(progress, "started broker, encoder-service and search-service (child JVMs)");

    // The chaos plan: kill each service twice and restart the broker once, at random points.
    int kills = 0;
    int brokerRestarts = 0;
    List<MalformedRecords.Case> corpus =
        MalformedRecords.all(topics, model.modelId(), model.dim(), 0);
    List<DeadLetterAudit.Sent> malformed = new ArrayList<>();
    int malformedAt = items * 7 / 24; // after the first kill, before the second (see chaosAt)
    Set<String> deleted = new HashSet<>();
    Set<String> bad = new HashSet<>();
    List<String> queryIds = new ArrayList<>();
    int[] chaosAt = {items / 6, items / 3, items / 2, 2 * items / 3, 5 * items / 6};
    for (int i = 0; i < chaosAt.length; i++) {
      chaosAt[i] += random.nextInt(Math.max(1, items / 12));
    }
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config),
            topics.mediaImages.keySerde().serializer(),
            topics.mediaImages.valueSerde().serializer())) {
      int chaos = 0;
      for (int i = 0; i < items; i++) {
        if (i == 0 || i == malformedAt) {
          malformed.addAll(DeadLetterAudit.send(config, corpus));
        }
        String id = "soak-" + i;
        if (i % 7 == 0 && !images.isEmpty()) {
          Item item = images.get(i / 7 % images.size());
          producer.send(
              new ProducerRecord<>(
                  topics.mediaImages.name(), id, Files.readAllBytes(Path.of(item.image()))));
        } else {
          String text =
              "item "
                  + i
                  + ": a "
                  + WORDS[i % WORDS.length]
                  + " and a "
                  + WORDS[(i * 7) % WORDS.length];
          producer.send(
              new ProducerRecord<>(
                  topics.mediaTexts.name(), id, topics.mediaTexts.encodeValue(text)));
        }
        if (i % 25 == 24) { // delete an earlier item: it must end up unsearchable
          String gone = "soak-" + (i - 10);
          producer.send(new ProducerRecord<>(topics.mediaImages.name(), gone, null));
          producer.send(new ProducerRecord<>(topics.mediaTexts.name(), gone, null));
          deleted.add(gone);
        }
        if (i % 40 == 39) { // bad input in the stream: must be dead-lettered exactly once
          String b = "soak-bad-" + i;
          producer.send(
              new ProducerRecord<>(
                  topics.mediaTexts.name(), b, new byte[] {(byte) 0xc3, (byte) 0x28, 'x'}));
          bad.add(b);
        }
        if (i % 20 == 0) {
          String q = "soak-q-" + i;
          producer.send(
              new ProducerRecord<>(
                  topics.queries.name(),
                  q,
                  ("{\"text\":\"a " + WORDS[i % WORDS.length] + "\",\"k\":5}")
                      .getBytes(StandardCharsets.UTF_8)));
          queryIds.add(q);
        }
        if (i % 50 == 0) {
          producer.flush();
          Thread.sleep(40); // a stream, not one burst: the chaos lands in the middle of work
        }
        if (chaos < chaosAt.length && i == chaosAt[chaos]) {
          producer.flush();
          switch (chaos) {
            case 0, 3 -> {
              kills += encoder.kill() ? 1 : 0;
              log(progress, "item " + i + ": SIGKILL encoder-service");
              Thread.sleep(1000 + random.nextInt(2000));
              encoder.start();
              // Serving again before the stream goes on: the next kill hits a working service.
              encoder.awaitHealthy(180);
            }
            case 1, 4 -> {
              kills += search.kill() ? 1 : 0;
              log(progress, "item " + i + ": SIGKILL search-service");
              Thread.sleep(1000 + random.nextInt(2000));
              search.start();
              search.awaitHealthy(180);
            }
            default -> {
              broker.close();
              boolean down = !listening(kafkaPort);
              log(progress, "item " + i + ": broker stopped");
              Thread.sleep(2000 + random.nextInt(2000));
              broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), kafkaPort);
              brokerRestarts += down && listening(kafkaPort) ? 1 : 0;
              log(progress, "item " + i + ": broker restarted");
            }
          }
          chaos++;
        }
      }
      producer.flush();
    }
    log(progress, "all " + items + " items sent; waiting for the services to catch up");
    encoder.awaitHealthy(300);
    search.awaitHealthy(300);

    Map<String, byte[]> lastMedia = new HashMap<>();
    Map<String, Integer> mediaRecords = new HashMap<>();
    readAll(
        config,
        List.of(topics.mediaImages.name(), topics.mediaTexts.name()),
        r -> {
          String k = new String(r.key(), StandardCharsets.UTF_8);
          mediaRecords.merge(k, 1, Integer::sum);
          lastMedia.put(k, r.value());
        });
    Set<String> live = new HashSet<>();
    Set<String> malformedKeys = new HashSet<>();
    corpus.stream()
        .filter(c -> c.key() != null)
        .forEach(c -> malformedKeys.add(new String(c.key(), StandardCharsets.UTF_8)));
    lastMedia.forEach(
        (k, v) -> {
          if (v != null && !bad.contains(k) && !malformedKeys.contains(k)) {
            live.add(k);
          }
        });
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    double indexed = -1;
    while (System.nanoTime()
        < deadline) { // quiescence: the index holds as many vectors as there are live ids
      indexed = ScrapedMetrics.indexedVectors(searchPort);
      if (indexed == live.size()) {
        break;
      }
      Thread.sleep(1000);
    }
    // Query results and dead letters commit on their own paths and can trail the index after a
    // kill: wait (within the same deadline) until every query has a result and every bad item a
    // dead letter, so the counts below are of the final state, not of a moment of catching up.
    while (System.nanoTime() < deadline && !keysPresent(config, topics.results.name(), queryIds)) {
      Thread.sleep(1000);
    }
    while (System.nanoTime() < deadline && !keysPresent(config, topics.encoderDlq.name(), bad)) {
      Thread.sleep(1000);
    }
    Thread.sleep(3000); // let in-flight results and dead letters commit

    Map<String, Integer> embeddingRecords = new HashMap<>();
    Map<String, byte[]> lastEmbedding = new HashMap<>();
    readAll(
        config,
        List.of(topics.embeddings.name()),
        r -> {
          String k = new String(r.key(), StandardCharsets.UTF_8);
          embeddingRecords.merge(k, 1, Integer::sum);
          lastEmbedding.put(k, r.value());
        });
    Map<String, Integer> deadLetters = new HashMap<>();
    readAll(
        config,
        List.of(topics.encoderDlq.name()),
        r -> deadLetters.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
    Map<String, Integer> results = new HashMap<>();
    readAll(
        config,
        List.of(topics.results.name()),
        r -> results.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
    DeadLetterAudit.Outcome malformedOutcome = DeadLetterAudit.check(config, topics, malformed);

    int lostInEmbeddings = 0;
    int lostInIndex = 0;
    for (String id : live) {
      lostInEmbeddings += lastEmbedding.get(id) == null ? 1 : 0;
      lostInIndex += searchable(searchPort, id) ? 0 : 1;
    }
    int deletedButSearchable = 0;
    for (String id : deleted) {
      deletedButSearchable += searchable(searchPort, id) ? 1 : 0;
    }
    int duplicatedEmbeddings = 0;
    for (var e : embeddingRecords.entrySet()) {
      if (!malformedKeys.contains(
          e.getKey())) { // the corpus writes bad records to embeddings itself
        duplicatedEmbeddings +=
            Math.max(0, e.getValue() - mediaRecords.getOrDefault(e.getKey(), 0));
      }
    }
    int duplicatedDeadLetters = 0;
    int badCaught = 0;
    for (String b : bad) {
      int n = deadLetters.getOrDefault(b, 0);
      badCaught += n > 0 ? 1 : 0;
      duplicatedDeadLetters += Math.max(0, n - 1);
    }
    int resultsMissing = 0;
    int resultsDuplicated = 0;
    for (String q : queryIds) {
      int n = results.getOrDefault(q, 0);
      resultsMissing += n == 0 ? 1 : 0;
      resultsDuplicated += Math.max(0, n - 1);
    }
    encoder.stop();
    search.stop();
    broker.close();

    ObjectNode out =
        Json.MAPPER
            .createObjectNode()
            .put("items", items)
            .put("live", live.size())
            .put("deleted", deleted.size())
            .put("indexed", (long) indexed)
            .put("kills", kills)
            .put("broker_restarts", brokerRestarts)
            .put("lost", lostInEmbeddings + lostInIndex + deletedButSearchable)
            .put("lost_in_embeddings", lostInEmbeddings)
            .put("lost_in_index", lostInIndex)
            .put("deleted_but_searchable", deletedButSearchable)
            .put(
                "duplicated",
                duplicatedEmbeddings + duplicatedDeadLetters + malformedOutcome.duplicated())
            .put("duplicated_embeddings", duplicatedEmbeddings)
            .put("duplicated_dead_letters", duplicatedDeadLetters)
            .put("queries", queryIds.size())
            .put("results_missing", resultsMissing)
            .put("results_duplicated", resultsDuplicated)
            .put("bad_cases", bad.size() + malformedOutcome.expected())
            .put("bad_cases_caught", badCaught + malformedOutcome.caught())
            .put("malformed_cases", malformedOutcome.expected())
            .put("malformed_caught", malformedOutcome.caught())
            .put("malformed_duplicated", malformedOutcome.duplicated());
    out.putArray("malformed_wrong")
        .addAll(
            malformedOutcome.wrong().stream()
                .map(e -> Json.MAPPER.getNodeFactory().textNode(e))
                .toList());
    out.putArray("events")
        .addAll(events.stream().map(e -> Json.MAPPER.getNodeFactory().textNode(e)).toList());
    return out;
  }

  /** Whether the search service holds {@code id} (its stored record answers GET /v1/media/{id}). */
  private boolean searchable(int port, String id) throws Exception {
    return http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + port
                                + "/v1/media/"
                                + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode()
        == 200;
  }

  /** Every committed record with a key (the soak's own records all have one). */
  /** Whether the topic holds a record for every one of {@code keys}. */
  private static boolean keysPresent(Config config, String topic, Collection<String> keys) {
    Set<String> seen = new HashSet<>();
    readAll(config, List.of(topic), r -> seen.add(new String(r.key(), StandardCharsets.UTF_8)));
    return seen.containsAll(keys);
  }

  private static void readAll(
      Config config, List<String> topicNames, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    TopicReader.readAll(
        config,
        topicNames,
        r -> {
          if (r.key() != null) {
            each.accept(r);
          }
        });
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void log(boolean progress, String event) {
    events.add(event);
    if (progress) {
      System.out.println("soak: " + event);
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
