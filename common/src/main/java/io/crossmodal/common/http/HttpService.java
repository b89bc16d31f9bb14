package io.crossmodal.common.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.serde.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.spi.JettyHttpServer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face every service shares: {@code GET /health} (200 only while the service's Kafka
 * clients or streams run, else 503) and {@code GET /metrics} (Prometheus text), plus the service's
 * own routes, each written against the JDK's {@code HttpExchange}.
 *
 * <p>Served by Jetty 12 through its {@code com.sun.net.httpserver} provider, because the JDK's own
 * server has no read or request timeout: ten clients that announce a body and never send it used to
 * hold every thread, {@code /health} and {@code /metrics} included. Here (bounds in {@link
 * HttpLimits}): bodies are read before a route runs without holding a thread ({@link
 * BufferedBodyHandler}), so slow uploads cost no thread; a silent connection is closed after the
 * idle timeout, an upload slower than the minimum data rate is cut off, a body must arrive whole
 * within the request timeout (408), a declared length over the limit is refused before the body is
 * sent (413, each route has its own smaller limit too); at most {@code maxConcurrentRequests} API
 * requests run at once and the rest get a fast 503 with {@code Retry-After}, while {@code /health}
 * and {@code /metrics} bypass that bound (their own lane: the thread pool has room beyond it).
 * Stopping drains requests in flight for up to 5 s. Every route is measured: {@code
 * crossmodal_http_requests_seconds{service, route, status}} (status class, bounded buckets).
 */
public final class HttpService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  /** Exchange attribute: the status sent (every answer goes through {@link #send}). */
  private static final String STATUS = "crossmodal.status";

  /**
   * Threads beyond the API bound: health and metrics, Jetty's selectors and acceptors, requests
   * turned away.
   */
  private static final int LANE_THREADS = 48;

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** A route handler; throw {@link HttpError} for a 4xx/5xx with a JSON reason. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange) throws Exception;
  }

  private final String name;
  private final Server server;
  private final JettyHttpServer http;
  private final ServerConnector connector;
  private final Semaphore apiPermits;
  private final HttpLimits limits;
  private final MeterRegistry registry;
  private final Set<String> routes = ConcurrentHashMap.newKeySet();

  /** Per route and status class; bounded (routes are registered, classes are five). */
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public HttpService(
      String name, int port, BooleanSupplier healthy, PrometheusMeterRegistry registry) {
    this(name, port, HttpLimits.defaults(), TlsSettings.none(), healthy, registry);
  }

  /** A service's HTTP with the configured limits ({@code http.*}) and TLS ({@code http.tls.*}). */
  public static HttpService of(
      String name,
      int port,
      Config config,
      BooleanSupplier healthy,
      PrometheusMeterRegistry registry) {
    return new HttpService(
        name, port, HttpLimits.of(config), TlsSettings.of(config), healthy, registry);
  }

  public HttpService(
      String name,
      int port,
      HttpLimits limits,
      TlsSettings tls,
      BooleanSupplier healthy,
      PrometheusMeterRegistry registry) {
    this.name = name;
    this.limits = limits;
    this.registry = registry;
    this.apiPermits = new Semaphore(limits.maxConcurrentRequests());
    QueuedThreadPool threads =
        new QueuedThreadPool(limits.maxConcurrentRequests() + LANE_THREADS, 8);
    threads.setName(name + "-http");
    threads.setDaemon(true);
    server = new Server(threads);
    server.setStopTimeout(5000);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), server));
    ContextHandlerCollection contexts = new ContextHandlerCollection();
    server.setHandler(
        new GracefulHandler(
            new MinimumDataRateHandler(
                new BufferedBodyHandler(
                    contexts,
                    limits.maxBodyBytes(),
                    limits.requestTimeoutMillis(),
                    (path, status, nanos) -> measure(routeOf(path), status, nanos)),
                limits.minRequestDataRate(),
                0)));
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setIdleTimeout(limits.idleTimeoutMillis());
    if (tls.enabled()) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(
          false); // names are the clients' business (they verify the certificate)
      config.addCustomizer(secure);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(tls.context());
      ssl.setNeedClientAuth(tls.clientAuth().equals("need"));
      ssl.setWantClientAuth(tls.clientAuth().equals("want"));
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(config));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(config));
    }
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeoutMillis());
    connector.setAcceptQueueSize(128);
    server.addConnector(connector);
    // Shared: this class owns the server's lifecycle and connector; the provider only maps
    // contexts.
    http = new JettyHttpServer(server, true, config);
    try {
      connector.open(); // bound now: callers advertise the port before they start
      http.bind(new InetSocketAddress(port), 128);
    } catch (IOException e) {
      throw new IllegalStateException(
          name + ": cannot listen on port " + port + ": " + e.getMessage(), e);
    }
    route(
        "/health",
        false,
        ex -> {
          boolean ok = healthy.getAsBoolean();
          ObjectNode body =
              Json.MAPPER.createObjectNode().put("service", name).put("status", ok ? "UP" : "DOWN");
          sendJson(ex, ok ? 200 : 503, body.toString());
        });
    route(
        "/metrics",
        false,
        ex ->
            send(
                ex,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
  }

  /** An API route: counts against {@link HttpLimits#maxConcurrentRequests()}. */
  public HttpService route(String path, Handler handler) {
    return route(path, true, handler);
  }

  private HttpService route(String path, boolean bounded, Handler handler) {
    routes.add(path);
    // Jetty matches contexts by whole path segments and ignores a context path's trailing slash
    // only when it is not there: "/v1/media/" is registered as "/v1/media" (it still serves
    // "/v1/media/{id}").
    String context =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    http.createContext(
        context,
        ex -> {
          long start = System.nanoTime();
          boolean admitted = !bounded || apiPermits.tryAcquire();
          // Not try-with-resources: the exchange must still be open when an error answer is
          // written.
          try {
            if (!admitted) {
              throw new HttpError(
                  503,
                  name
                      + " is at its limit of "
                      + limits.maxConcurrentRequests()
                      + " requests in progress; retry shortly");
            }
            handler.handle(ex);
          } catch (HttpError e) {
            if (e.status() == 503) {
              // Every 503 here means "cannot answer right now" (busy, starting, rebalancing, a
              // dependency down).
              ex.getResponseHeaders().set("Retry-After", "1");
            }
            sendQuietly(
                ex,
                e.status(),
                Json.MAPPER.createObjectNode().put("error", e.getMessage()).toString());
          } catch (Exception | LinkageError e) {
            LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            sendQuietly(
                ex,
                500,
                Json.MAPPER.createObjectNode().put("error", "internal error: " + e).toString());
          } finally {
            if (bounded && admitted) {
              apiPermits.release();
            }
            ex.close();
            measure(
                path,
                ex.getAttribute(STATUS) instanceof Integer status ? status : 0,
                System.nanoTime() - start);
          }
        });
    return this;
  }

  /**
   * The registered route a path falls under (the longest matching prefix), as the metric's tag:
   * bounded.
   */
  private String routeOf(String path) {
    String best = "other";
    for (String r : routes) {
      if (path.startsWith(r) && (best.equals("other") || r.length() > best.length())) {
        best = r;
      }
    }
    return best;
  }

  private void measure(String route, int status, long nanos) {
    String statusClass = status < 100 ? "none" : (status / 100) + "xx";
    timers
        .computeIfAbsent(
            route + " " + statusClass,
            k ->
                Timer.builder("crossmodal.http.requests")
                    .description("HTTP requests by route and status class")
                    .tag("service", name)
                    .tag("route", route)
                    .tag("status", statusClass)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * An error answer, unless the client is gone or the response already started (then nothing can be
   * said).
   */
  private static void sendQuietly(HttpExchange ex, int status, String json) {
    try {
      if (ex.getAttribute(STATUS) == null) {
        sendJson(ex, status, json);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug(
          "could not answer {} {} with {}: {}",
          ex.getRequestMethod(),
          ex.getRequestURI(),
          status,
          e.toString());
    }
  }

  public HttpService start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException(name + ": HTTP server did not start: " + e.getMessage(), e);
    }
    return this;
  }

  public int port() {
    return connector.getLocalPort();
  }

  public static void sendJson(HttpExchange ex, int status, String json) throws IOException {
    send(ex, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public static void send(HttpExchange ex, int status, String contentType, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.setAttribute(STATUS, status);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * The request body (already in memory, see {@link BufferedBodyHandler}), refused with a 413 when
   * over this route's {@code maxBytes}.
   */
  public static byte[] body(HttpExchange ex, int maxBytes) throws HttpError {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new HttpError(408, "request body not received: " + e.getMessage());
    }
    if (body.length > maxBytes) {
      throw new HttpError(413, "request body exceeds the limit of " + maxBytes + " bytes");
    }
    return body;
  }

  /** The first value of a query parameter, URL-decoded; null when absent. */
  public static String queryParam(HttpExchange ex, String name) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  public static void requireMethod(HttpExchange ex, String method) throws HttpError {
    if (!ex.getRequestMethod().equalsIgnoreCase(method)) {
      throw new HttpError(405, "method " + ex.getRequestMethod() + " not allowed; use " + method);
    }
  }

  /** Stops accepting, lets requests in flight finish (up to 5 s), then closes. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("{}: HTTP server did not stop cleanly: {}", name, e.toString());
    }
  }
}
