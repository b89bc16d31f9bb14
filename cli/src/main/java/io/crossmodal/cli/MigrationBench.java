package io.crossmodal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.models.ActiveModel;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.serde.Json;
import io.crossmodal.local.LocalStack;
import io.crossmodal.local.MediaLoader;
import io.crossmodal.local.ScrapedMetrics;
import io.crossmodal.model.data.Item;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code bench migrate}: the blue/green re-embedding of {@code items} media (the sample's items
 * repeated under new ids, an image and a caption each) from the model the stack starts with to
 * {@code next}, on the whole local stack in one JVM, while one client queries {@code POST
 * /v1/search} every 100 ms: how long the new model's encoders take to replay the media topics and
 * its index to catch up ({@code ModelControl.activateWhenCaughtUp}, the check that {@code model
 * deploy --auto} makes), at what rate, and what the queries saw meanwhile (failures, latency, which
 * model answered).
 */
final class MigrationBench {
  private MigrationBench() {}

  static ObjectNode run(
      Config config, ModelEntry first, ModelEntry next, List<Item> sample, int items, boolean print)
      throws Exception {
    if (first.id().equals(next.id())) {
      throw new IllegalArgumentException(
          "--next is the model the stack starts with (" + first.id() + "): nothing to migrate");
    }
    Path dir = Files.createTempDirectory("crossmodal-bench-migrate");
    ObjectNode out = Json.MAPPER.createObjectNode();
    try (LocalStack stack =
        LocalStack.start(
            dir,
            0,
            config.with(Map.of("search.port", "0", "encoder.port", "0", "ingest.port", "0")),
            first)) {
      List<Item> media = repeated(sample, items);
      long t = System.nanoTime();
      MediaLoader.load(stack.config(), media, print);
      // An image and its caption per item, each one vector.
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 2L * items, Duration.ofHours(2));
      double firstSeconds = (System.nanoTime() - t) / 1e9;
      if (print) {
        System.out.printf(
            "%d items (%d media records) encoded and indexed by %s in %.1f s%n",
            items, 2 * items, first.id(), firstSeconds);
      }

      Queries queries = new Queries(stack.searchPort(), sample);
      Thread client = new Thread(queries, "bench-migrate-client");
      client.start();
      ModelControl control = new ModelControl(stack.config());
      t = System.nanoTime();
      control.deploy(next);
      long[] lastPrint = {System.nanoTime()};
      ActiveModel active =
          control.activateWhenCaughtUp(
              next.id(),
              Duration.ofHours(2),
              p -> {
                if (print && System.nanoTime() - lastPrint[0] > 10e9) {
                  lastPrint[0] = System.nanoTime();
                  System.out.printf(
                      "  %s: %d / %d media encoded, %d embeddings to index%n",
                      next.id(), p.mediaDone(), p.mediaTotal(), p.searchLag());
                }
              });
      double migrateSeconds = (System.nanoTime() - t) / 1e9;
      queries.awaitAnswerFrom(next.id(), Duration.ofMinutes(2));
      queries.stop();
      client.join();
      double[] ms = queries.latencies();
      Arrays.sort(ms);
      out.put("items", items)
          .put("media_records", 2 * items)
          .put("first_model", first.id())
          .put("next_model", next.id())
          .put("first_encode_and_index_s", EndToEndBench.round(firstSeconds))
          .put("migration_s", EndToEndBench.round(migrateSeconds))
          .put("migration_media_per_s", EndToEndBench.round(2 * items / migrateSeconds))
          .put("switched", active != null)
          .put("queries", ms.length)
          .put("queries_failed", queries.failed())
          .put("query_p50_ms", EndToEndBench.round(EndToEndBench.pct(ms, 50)))
          .put("query_p95_ms", EndToEndBench.round(EndToEndBench.pct(ms, 95)))
          .put("query_p99_ms", EndToEndBench.round(EndToEndBench.pct(ms, 99)));
      out.set("answered_by", Json.MAPPER.valueToTree(queries.models()));
      if (print) {
        System.out.printf(
            "migration to %s: %d media records re-embedded and indexed in %.1f s (%.1f records/s), %s;"
                + " meanwhile %d queries, %d failed, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, answered by %s%n",
            next.id(),
            2 * items,
            migrateSeconds,
            2 * items / migrateSeconds,
            active == null ? "not switched" : "switched",
            ms.length,
            queries.failed(),
            EndToEndBench.pct(ms, 50),
            EndToEndBench.pct(ms, 95),
            EndToEndBench.pct(ms, 99),
            queries.models());
      }
    } finally {
      EndToEndBench.deleteRecursively(dir);
    }
    return out;
  }

  /** {@code n} items: the sample's, again and again under new ids. */
  static List<Item> repeated(List<Item> sample, int n) {
    List<Item> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Item s = sample.get(i % sample.size());
      out.add(
          new Item(
              s.id() + "~" + i / sample.size(),
              s.image(),
              s.captions(),
              s.source(),
              s.licence(),
              s.split(),
              s.category()));
    }
    return out;
  }

  /** One client asking every 100 ms; records each answer's latency, status and model. */
  private static final class Queries implements Runnable {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final List<Item> sample;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Double> latencies = new ArrayList<>();
    private final Set<String> models = new TreeSet<>();
    private volatile String lastModel = "";
    private int failed;

    Queries(int searchPort, List<Item> sample) {
      this.uri = URI.create("http://localhost:" + searchPort + "/v1/search");
      this.sample = sample;
    }

    @Override
    public void run() {
      for (int i = 0; running.get(); i++) {
        long t = System.nanoTime();
        try {
          HttpResponse<String> r =
              EndToEndBench.send(
                  http,
                  uri,
                  sample.get((i * 7) % sample.size()).captions().get(0),
                  SearchMode.DEFAULT);
          JsonNode answer = Json.object(r.body());
          synchronized (this) {
            latencies.add((System.nanoTime() - t) / 1e6);
            if (!EndToEndBench.whole(r, answer)) {
              failed++;
            } else {
              lastModel = answer.path("model").asText();
              models.add(lastModel);
            }
          }
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          synchronized (this) {
            failed++;
          }
        }
      }
    }

    /** Queries switch a moment after the control record: each instance follows it. */
    void awaitAnswerFrom(String model, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!lastModel.equals(model) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }

    void stop() {
      running.set(false);
    }

    synchronized double[] latencies() {
      return latencies.stream().mapToDouble(Double::doubleValue).toArray();
    }

    synchronized int failed() {
      return failed;
    }

    synchronized Set<String> models() {
      return new TreeSet<>(models);
    }
  }
}
