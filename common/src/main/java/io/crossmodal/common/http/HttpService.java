package io.crossmodal.common.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crossmodal.common.serde.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face every service shares: {@code GET /health} (200 only while the service's Kafka
 * clients or streams run, else 503) and {@code GET /metrics} (Prometheus text), plus the service's
 * own routes. Uses the JDK's HTTP server: no servlet container to configure or secure.
 */
public final class HttpService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, the body waits
    // for the client's delayed ACK: +40 ms on every small response (measured on POST /v1/search).
    // Read once when the server classes load, so it is set before the first server is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** A route handler; throw {@link HttpError} for a 4xx/5xx with a JSON reason. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor;

  public HttpService(String name, int port, BooleanSupplier healthy, PrometheusMeterRegistry registry) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 128);
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot listen on port " + port + ": " + e.getMessage(), e);
    }
    executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, name + "-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    route("/health", ex -> {
      boolean ok = healthy.getAsBoolean();
      ObjectNode body = Json.MAPPER.createObjectNode().put("service", name).put("status", ok ? "UP" : "DOWN");
      sendJson(ex, ok ? 200 : 503, body.toString());
    });
    route("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8)));
  }

  public HttpService route(String path, Handler handler) {
    server.createContext(path, ex -> {
      // Not try-with-resources: the exchange must still be open when an error answer is written.
      try {
        handler.handle(ex);
      } catch (HttpError e) {
        if (e.status() == 503) {
          // Every 503 here means "cannot answer right now" (starting, rebalancing, a dependency down).
          ex.getResponseHeaders().set("Retry-After", "1");
        }
        sendJson(ex, e.status(), Json.MAPPER.createObjectNode().put("error", e.getMessage()).toString());
      } catch (Exception | LinkageError e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        sendJson(ex, 500, Json.MAPPER.createObjectNode().put("error", "internal error: " + e).toString());
      } finally {
        ex.close();
      }
    });
    return this;
  }

  public HttpService start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public static void sendJson(HttpExchange ex, int status, String json) throws IOException {
    send(ex, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Reads the request body, refusing more than {@code maxBytes} with a 413. */
  public static byte[] body(HttpExchange ex, int maxBytes) throws IOException, HttpError {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && Long.parseLong(declared.trim()) > maxBytes) {
      throw new HttpError(413, "request body of " + declared + " bytes exceeds the limit of " + maxBytes);
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] data = in.readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw new HttpError(413, "request body exceeds the limit of " + maxBytes + " bytes");
      }
      return data;
    }
  }

  public static void requireMethod(HttpExchange ex, String method) throws HttpError {
    if (!ex.getRequestMethod().equalsIgnoreCase(method)) {
      throw new HttpError(405, "method " + ex.getRequestMethod() + " not allowed; use " + method);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
