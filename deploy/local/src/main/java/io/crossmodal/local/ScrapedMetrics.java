package io.crossmodal.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads a service's Prometheus text the way a scraper does. */
public final class ScrapedMetrics {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ScrapedMetrics() {}

  /** Number of series whose line starts with {@code prefix}. */
  public static long count(int port, String prefix) throws Exception {
    return scrape(port).lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static String scrape(int port) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Sum of every series whose line starts with {@code prefix} (e.g. {@code crossmodal_index_vectors{}). */
  public static double sum(int port, String prefix) throws Exception {
    return scrape(port).lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
