package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.serde.Json;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ServedModel;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes a local run with the project's own scrape config and
 * alert rules (deploy/prometheus, targets rewritten to this run's ports); after a few ingests and
 * queries its HTTP API returns the {@code crossmodal_*} series with the values the run produced.
 */
class PrometheusIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path CONFIG = Path.of("../prometheus/prometheus.yml");
  private static final int ITEMS = 10;
  private static final int QUERIES = 5;
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void shouldFindSaneCrossmodalSeriesInPrometheusWhenItScrapesALocalRun() throws Exception {
    assertTrue(
        Files.isExecutable(PROMETHEUS),
        PROMETHEUS + " is missing: install Debian's prometheus package (.ci/run does)");
    Config config = TestConfigs.freePorts(3, "search.quality.sample.every", "1");
    List<Item> items = Manifest.read(Path.of("../../cli/sample/manifest.jsonl")).subList(0, ITEMS);
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      int promPort = EmbeddedKafkaBroker.freePort();
      Path promConfig = dir.resolve("prometheus.yml");
      Files.writeString(
          promConfig,
          Files.readString(CONFIG)
              .replace("scrape_interval: 5s", "scrape_interval: 1s")
              .replace("localhost:8081", "localhost:" + stack.ingestPort())
              .replace("localhost:8082", "localhost:" + stack.encoderPort())
              .replace("localhost:8083", "localhost:" + stack.searchPort()));
      Files.copy(CONFIG.resolveSibling("alerts.yml"), dir.resolve("alerts.yml"));
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + promConfig,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + promPort,
                  "--web.cors.origin=.*")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      try {
        String api = "http://127.0.0.1:" + promPort;
        // Rates need samples from before the activity: let Prometheus scrape every target a few
        // times.
        awaitValue(api, "min(count_over_time(up{job=~\"crossmodal-.*\"}[1m])) >= bool 3", 1);
        MediaLoader.load(stack.config(), items, false);
        ScrapedMetrics.awaitIndexed(stack.searchPort(), 2 * ITEMS, Duration.ofMinutes(2));
        for (int q = 0; q < QUERIES; q++) {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://localhost:" + stack.searchPort() + "/v1/search"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"text\":\""
                                  + items.get(q).captions().get(0).replace("\"", "")
                                  + "\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertEquals(200, r.statusCode(), r.body());
        }
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + stack.ingestPort() + "/v1/texts"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"   \"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

        awaitValue(api, "sum(crossmodal_index_vectors)", 2.0 * ITEMS);
        awaitValue(api, "count(up{job=~\"crossmodal-.*\"} == 1)", 3);
        awaitValue(
            api,
            "count(process_cpu_usage) + count(jvm_threads_live_threads) + count(process_uptime_seconds)",
            9);
        awaitValue(api, "sum(crossmodal_queries_answered_total{complete=\"true\"})", QUERIES);
        awaitValue(
            api,
            "sum(crossmodal_records_in_total{service=\"encoder\",topic=\"media.images\"})",
            ITEMS);
        awaitValue(
            api,
            "count(crossmodal_model_info{model=\""
                + DefaultModel.load(null).spec().modelId()
                + "\"})",
            2);
        double p95 =
            value(
                api,
                "histogram_quantile(0.95, sum by (le) (crossmodal_query_latency_seconds_bucket))");
        assertTrue(p95 > 0 && p95 < 15, "query latency p95 " + p95 + " s");
        double freshness =
            value(
                api, "histogram_quantile(0.5, sum by (le) (crossmodal_freshness_seconds_bucket))");
        assertTrue(freshness > 0 && freshness < 120, "freshness p50 " + freshness + " s");
        awaitValue(api, "sum(crossmodal_http_rejected_total{service=\"ingest\"})", 1);
        // Direct route with sample.every = 1: every search checks one of its shards (in turn).
        awaitValue(api, "sum(crossmodal_search_quality_recall_count)", QUERIES);
        awaitValue(
            api,
            "sum(crossmodal_search_quality_recall_sum) / sum(crossmodal_search_quality_recall_count)",
            1.0);
        JsonNode rules =
            get(api + "/api/v1/rules").path("data").path("groups").get(0).path("rules");
        assertEquals(6, rules.size(), "the project's alert rules are loaded: " + rules);
        awaitValue(
            api,
            "sum(crossmodal_lexical_docs)",
            2.0 * ITEMS); // every image has a caption, every text its words
        awaitValue(api, "count(crossmodal_search_watermark_lag_records) > bool 0", 1);
        awaitValue(
            api,
            "count(rate(crossmodal_query_latency_seconds_count[1m]) > 0)",
            1); // scraped after the queries too
        renderDashboard(
            api,
            () -> {
              // More activity for the rate() panels of the encoder: one CI run rendered them empty
              // once (the encode bursts had left no increase in the scraped window); new queries
              // give them one.
              for (int q = 0; q < 3; q++) {
                try {
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://localhost:" + stack.searchPort() + "/v1/search"))
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  "{\"text\":\""
                                      + items.get(q).captions().get(0).replace("\"", "")
                                      + "\"}"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            });
      } finally {
        prometheus.destroy();
        prometheus.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Renders every panel of the Grafana dashboard from this Prometheus with
   * deploy/grafana/preview.html in headless Chromium: each panel's queries must return data.
   * Screenshot in target/.
   */
  private void renderDashboard(String api, Runnable moreActivity) throws Exception {
    Path page = dir.resolve("preview");
    Files.createDirectories(page.resolve("profile"));
    Files.copy(Path.of("../grafana/preview.html"), page.resolve("preview.html"));
    Files.writeString(
        page.resolve("dashboard.js"),
        "window.DASHBOARD = "
            + Files.readString(Path.of("../grafana/dashboards/crossmodal.json"))
            + ";");
    // Counters made at their first event (the rejected request) need two scrapes before rate() has
    // a value.
    awaitValue(api, "count(rate(crossmodal_http_rejected_total[1m]))", 1);
    try (HeadlessChromium browser = new HeadlessChromium(page.resolve("profile"))) {
      browser.call(
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", 1400, "height", 1140, "deviceScaleFactor", 1, "mobile", false));
      List<String> empty = List.of();
      for (int attempt = 0; attempt < 5; attempt++) { // panels fill as scrapes accumulate
        browser.navigate(
            page.resolve("preview.html").toUri()
                + "?prometheus="
                + api
                + "&minutes=2&attempt="
                + attempt);
        browser.waitFor("window.panelResults", Duration.ofSeconds(60));
        JsonNode panels = browser.eval("window.panelResults");
        assertEquals(18, panels.size());
        List<String> missing = new ArrayList<>();
        panels.forEach(
            p -> {
              if (p.path("series").asInt() == 0) {
                missing.add(p.path("title").asText());
              }
            });
        empty = missing;
        if (empty.isEmpty()) {
          break;
        }
        moreActivity.run();
        Thread.sleep(3000);
      }
      browser.screenshot(Path.of("target/dashboard-preview.png"));
      assertEquals(List.of(), empty, "dashboard panels without data");
    }
  }

  /** Waits up to 30 s (scrapes every second) for {@code query} to equal {@code expected}. */
  private void awaitValue(String api, String query, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    double got = Double.NaN;
    while (System.nanoTime() < deadline) {
      got = value(api, query);
      if (got == expected) {
        return;
      }
      Thread.sleep(500);
    }
    assertEquals(expected, got, query);
  }

  /** The single value of an instant query, NaN when it returns nothing. */
  private double value(String api, String query) throws Exception {
    JsonNode result =
        get(api + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
            .path("data")
            .path("result");
    return result.isEmpty()
        ? Double.NaN
        : Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private JsonNode get(String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return Json.MAPPER.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
      } catch (IOException notUpYet) {
        if (System.nanoTime() > deadline) {
          throw notUpYet;
        }
        Thread.sleep(300);
      }
    }
  }
}
