package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.config.Config;
import io.crossmodal.model.joint.ServedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients against every service of a running stack: 200 connections per service that send a
 * request line and headers announcing a 100,000-byte body, one byte of it, and then nothing, plus a
 * few that announce 10 GB. While they hang on, {@code /health}, {@code /metrics} and a search must
 * each answer within 1 s; the 10 GB ones are refused at once (413) without sending their body; and
 * every slow connection is cut off by the server's timeouts.
 */
class SlowClientsIT {
  private static final int SLOW_PER_SERVICE = 200;
  private static final int HUGE_PER_SERVICE = 3;
  private static final long IDLE_TIMEOUT_MS = 3000;
  private static final long REQUEST_TIMEOUT_MS = 5000;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  @TempDir Path dir;

  @Test
  void shouldKeepAnsweringAndCutOffSlowClientsWhenHundredsHangOnEveryService() throws Exception {
    Config config =
        TestConfigs.freePorts(
            2,
            "local.encode.in.process",
            "false",
            "http.idle.timeout.ms",
            String.valueOf(IDLE_TIMEOUT_MS),
            "http.request.timeout.ms",
            String.valueOf(REQUEST_TIMEOUT_MS));
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      Map<Integer, String> apis =
          Map.of(
              stack.ingestPort(),
              "/v1/texts",
              stack.encoderPort(),
              "/v1/encode",
              stack.searchPort(),
              "/v1/search");
      List<Socket> slow = new ArrayList<>();
      try {
        // Given hundreds of clients hanging in the middle of their uploads on every service
        apis.forEach(
            (port, path) -> {
              for (int i = 0; i < SLOW_PER_SERVICE; i++) {
                slow.add(open(port, path, "100000", "{"));
              }
            });
        // When the services are asked as usual, then they answer within a second
        for (int port : apis.keySet()) {
          assertFast(HttpRequest.newBuilder(uri(port, "/health")).build(), port + "/health");
          assertFast(HttpRequest.newBuilder(uri(port, "/metrics")).build(), port + "/metrics");
        }
        HttpResponse<String> search =
            assertFast(
                HttpRequest.newBuilder(uri(stack.searchPort(), "/v1/search"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"text\":\"a red bicycle\",\"k\":3}"))
                    .build(),
                "search");
        assertTrue(search.body().contains("\"shardsAnswered\":2"), search.body());

        // And a client announcing 10 GB is refused before it sends any of it
        for (var api : apis.entrySet()) {
          for (int i = 0; i < HUGE_PER_SERVICE; i++) {
            try (Socket huge = open(api.getKey(), api.getValue(), "10737418240", "")) {
              long start = System.nanoTime();
              String status = statusLine(huge, 1000);
              assertTrue(status.startsWith("HTTP/1.1 413"), api + ": " + status);
              assertTrue(
                  System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1),
                  api + " answered the 10 GB announcement late");
            }
          }
        }

        // And every slow client is cut off by the timeouts
        long deadline =
            System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS + IDLE_TIMEOUT_MS + 10_000);
        int cut = 0;
        for (Socket s : slow) {
          cut += closedByServer(s, deadline) ? 1 : 0;
        }
        assertEquals(slow.size(), cut, "slow connections the server closed");
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
      String metrics =
          http.send(
                  HttpRequest.newBuilder(uri(stack.ingestPort(), "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(
          metrics.contains(
              "crossmodal_http_requests_seconds_count{route=\"/v1/texts\",service=\"ingest-service\",status=\"4xx\"}"),
          "the cut-off uploads are counted per route and status class");
    }
  }

  private HttpResponse<String> assertFast(HttpRequest request, String what) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.statusCode(), what + ": " + r.body());
    assertTrue(millis < 1000, what + " took " + millis + " ms with slow clients hanging on");
    return r;
  }

  private static URI uri(int port, String path) {
    return URI.create("http://localhost:" + port + path);
  }

  /**
   * Request line and headers announcing {@code length} bytes of body, then {@code firstBytes} of
   * it.
   */
  private static Socket open(int port, String path, String length, String firstBytes) {
    try {
      Socket s = new Socket("localhost", port);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                  + length
                  + "\r\n\r\n"
                  + firstBytes)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to port " + port, e);
    }
  }

  private static String statusLine(Socket s, int timeoutMillis) throws IOException {
    s.setSoTimeout(timeoutMillis);
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      line.append((char) c);
    }
    return line.toString().trim();
  }

  /** Whether the server closed the connection (possibly after a response) before the deadline. */
  private static boolean closedByServer(Socket s, long deadlineNanos) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (true) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      s.setSoTimeout((int) Math.max(1, left));
      try {
        if (in.read(buf) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        return true; // connection reset by the server
      }
    }
  }
}
