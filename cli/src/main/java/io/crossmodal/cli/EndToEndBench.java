package io.crossmodal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.local.LocalStack;
import io.crossmodal.local.RandomVectors;
import io.crossmodal.local.ScrapedMetrics;
import io.crossmodal.model.data.Item;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code bench e2e}: latency of {@code POST /v1/search} end to end on the whole local stack, by the
 * configured route (direct: HTTP → encoder over HTTP → shards scanned in place → HTTP answer;
 * topics: HTTP → search.queries → encoder → every shard → merge → HTTP answer), with {@code
 * vectors} random unit vectors of the model's dimension written straight to the model's {@code
 * embeddings.<model-id>} (encoding 100k real items would take an hour on 2 cores, and the scan cost
 * depends only on the count). Queries are the sample's captions, one at a time, text → image, k =
 * 10.
 */
final class EndToEndBench {
  private EndToEndBench() {}

  /**
   * @param warmup queries sent first and not measured: the JIT compiles the query path meanwhile
   *     (steady state)
   */
  /**
   * @param clients queries in flight at once during the measured phase (1: one after another)
   */
  /**
   * @param mode how the queries are ranked; every vector carries a sample caption as its words, so
   *     each mode has work to do
   */
  static ObjectNode run(
      Config config,
      ModelEntry model,
      List<Item> sample,
      int vectors,
      int warmup,
      int queries,
      int clients,
      SearchMode mode,
      boolean print)
      throws Exception {
    Path dir = Files.createTempDirectory("crossmodal-bench-e2e");
    ObjectNode out = Json.MAPPER.createObjectNode();
    // This VM's speed varies with its neighbours: the machine's bandwidth goes beside the
    // latencies.
    double machine = SearchBench.readGbS(new float[128 << 20], 1);
    out.put("machine_gb_s", Math.round(machine * 10) / 10.0);
    try (LocalStack stack =
        LocalStack.start(
            dir,
            0,
            config.with(Map.of("search.port", "0", "encoder.port", "0", "ingest.port", "0")),
            model)) {
      load(stack.config(), model, vectors, sample, print);
      ScrapedMetrics.awaitIndexed(stack.searchPort(), vectors, Duration.ofMinutes(10));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://localhost:" + stack.searchPort() + "/v1/search");
      for (int i = 0;
          i < warmup;
          i++) { // JIT, connections, first fetches: measured runs see the steady state
        ask(http, uri, sample.get(i % sample.size()).captions().get(0) + " " + i, mode);
      }
      double[] ms = new double[queries];
      double[][] timings = new double[queries][];
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      long wall = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < queries; i = next.getAndIncrement()) {
                    long t = System.nanoTime();
                    JsonNode timing =
                        ask(http, uri, sample.get((i * 7) % sample.size()).captions().get(0), mode)
                            .path("timings");
                    ms[i] = (System.nanoTime() - t) / 1e6;
                    timings[i] =
                        new double[] {
                          timing.path("encode").asDouble(),
                          timing.path("searchMax").asDouble(),
                          timing.path("total").asDouble()
                        };
                  }
                  return null;
                }));
      }
      for (var f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - wall) / 1e9;
      pool.shutdown();
      double encode = 0;
      double scan = 0;
      double server = 0;
      for (double[] t : timings) {
        encode += t[0];
        scan += t[1];
        server += t[2];
      }
      Arrays.sort(ms);
      out.put("vectors", vectors)
          .put("dim", model.dim())
          .put("partitions", stack.config().getInt("topic.partitions"))
          .put("warmup", warmup)
          .put("queries", queries)
          .put("clients", clients)
          .put("qps", round(queries / seconds))
          .put("p50_ms", round(pct(ms, 50)))
          .put("p95_ms", round(pct(ms, 95)))
          .put("p99_ms", round(pct(ms, 99)))
          .put("mean_ms", round(Arrays.stream(ms).average().orElse(0)))
          .put("mean_encode_ms", round(encode / queries))
          .put("mean_slowest_shard_ms", round(scan / queries))
          .put("mean_server_ms", round(server / queries))
          .put("route", stack.config().get("search.http.route"))
          .put("mode", mode.wireName());
      if (print) {
        System.out.printf(
            "POST /v1/search, %d vectors × %d in %d shards, %d text queries from %d client(s), %.0f q/s: p50 %.1f ms, "
                + "p95 %.1f ms, p99 %.1f ms (%s route, %s mode, after %d warm-up queries; means: encode %.1f ms, slowest shard scan %.1f ms, in the search service %.1f ms; "
                + "machine sequential read %.1f GB/s)%n",
            vectors,
            model.dim(),
            out.get("partitions").asInt(),
            queries,
            clients,
            queries / seconds,
            pct(ms, 50),
            pct(ms, 95),
            pct(ms, 99),
            out.get("route").asText(),
            mode.wireName(),
            warmup,
            encode / queries,
            scan / queries,
            server / queries,
            machine);
      }
    } finally {
      deleteRecursively(dir);
    }
    return out;
  }

  private static void load(
      Config config, ModelEntry model, int vectors, List<Item> sample, boolean print)
      throws Exception {
    Topics topics = new Topics(ModelSpace.topics(config.topicNames(), model.id()));
    SplittableRandom r = new SplittableRandom(42);
    int dim = model.dim();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config),
            topics.mediaImages.keySerde().serializer(),
            topics.mediaImages.valueSerde().serializer())) {
      for (int i = 0; i < vectors; i++) {
        String words =
            Json.MAPPER
                .createObjectNode()
                .put("caption", sample.get(i % sample.size()).captions().get(0))
                .toString();
        EmbeddingRecord e =
            new EmbeddingRecord(
                Modality.IMAGE,
                model.id(),
                RandomVectors.unit(r, dim),
                "bench",
                words,
                System.currentTimeMillis());
        producer.send(
            new ProducerRecord<>(
                topics.embeddings.name(), "bench-" + i, topics.embeddings.encodeValue(e)));
      }
      producer.flush();
    }
    if (print) {
      System.out.println("wrote " + vectors + " vectors to " + topics.embeddings.name());
    }
  }

  private static JsonNode ask(HttpClient http, URI uri, String text, SearchMode mode)
      throws Exception {
    HttpResponse<String> response = send(http, uri, text, mode);
    JsonNode result = Json.object(response.body());
    if (!whole(response, result)) {
      throw new IllegalStateException(
          "query failed: HTTP " + response.statusCode() + " " + response.body());
    }
    return result;
  }

  /** A text → image query, k = 10, as the benches send it to {@code POST /v1/search}. */
  static HttpResponse<String> send(HttpClient http, URI uri, String text, SearchMode mode)
      throws Exception {
    String body =
        Json.MAPPER
            .createObjectNode()
            .put("text", text)
            .put("k", 10)
            .put("target", "image")
            .put("mode", mode.wireName())
            .toString();
    return http.send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Answered, and by every shard. */
  static boolean whole(HttpResponse<String> response, JsonNode result) {
    return response.statusCode() == 200
        && result.path("shardsAnswered").asInt() == result.path("shardsTotal").asInt();
  }

  /** The p-th percentile of sorted latencies (nearest rank); 0 when there are none. */
  static double pct(double[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
