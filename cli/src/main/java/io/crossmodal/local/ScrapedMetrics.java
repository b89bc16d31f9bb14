package io.crossmodal.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a service's Prometheus text the way a scraper does. */
public final class ScrapedMetrics {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ScrapedMetrics() {}

  /** Number of series whose line starts with {@code prefix}. */
  public static long count(int port, String prefix) throws Exception {
    return scrape(port).lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static String scrape(int port) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Vectors the search service on {@code searchPort} holds, summed over its shards' gauges. */
  public static double indexedVectors(int searchPort) throws Exception {
    return sum(searchPort, "crossmodal_index_vectors{");
  }

  /**
   * Waits until the search service holds at least {@code vectors} vectors; throws after {@code
   * timeout}.
   */
  public static void awaitIndexed(int searchPort, long vectors, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    double indexed;
    while ((indexed = indexedVectors(searchPort)) < vectors) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "index holds " + indexed + " vectors, not " + vectors + ", after " + timeout);
      }
      Thread.sleep(300);
    }
  }

  /** Sum of every series whose line starts with {@code prefix} (e.g. {@code crossmodal_index_vectors{}). */
  public static double sum(int port, String prefix) throws Exception {
    return scrape(port)
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
