package io.crossmodal.local;

import io.crossmodal.encoder.app.EncoderMain;
import io.crossmodal.ingest.app.IngestMain;
import io.crossmodal.search.app.SearchMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One service ({@code encoder-service}, {@code search-service}, {@code ingest-service}) as a child
 * JVM running the service's own {@code main} (what its container image runs) on this JVM's
 * classpath and launcher flags, so it can be killed for real ({@code kill -9}) and started again.
 */
public final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String command;
  private final List<String> options;
  private final int port;
  private final Path log;
  private Process process;

  /**
   * @param options after the command, e.g. {@code --bootstrap-servers H:P --set k=v}
   */
  public ServiceProcess(String command, List<String> options, int port, Path log) {
    this.command = command;
    this.options = List.copyOf(options);
    this.port = port;
    this.log = log;
  }

  public ServiceProcess start() throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-Xmx1g"));
    for (String p :
        List.of(
            "org.bytedeco.javacpp.cachedir",
            "org.bytedeco.javacpp.maxbytes",
            "org.bytedeco.javacpp.maxphysicalbytes")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass(command)));
    cmd.addAll(options);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return this;
  }

  private static String mainClass(String command) {
    return switch (command) {
      case "encoder-service" -> EncoderMain.class.getName();
      case "search-service" -> SearchMain.class.getName();
      case "ingest-service" -> IngestMain.class.getName();
      default -> throw new IllegalArgumentException("no service named " + command);
    };
  }

  /**
   * SIGKILL: no shutdown hook, no flush, no leave-group. Returns whether it really killed a running
   * service: the process was alive and healthy, and it ended by the signal (exit status 137).
   */
  public boolean kill() throws InterruptedException {
    boolean wasServing = alive() && healthy();
    Process killed = process.destroyForcibly();
    return killed.waitFor(30, TimeUnit.SECONDS) && wasServing && killed.exitValue() == 137;
  }

  /** SIGTERM: the service's graceful shutdown. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  public boolean healthy() {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until {@code /health} answers 200. */
  public void awaitHealthy(long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!healthy()) {
      if (!alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            command + " not healthy within " + seconds + " s (alive " + alive() + "); see " + log);
      }
      Thread.sleep(250);
    }
  }
}
