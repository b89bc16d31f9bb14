package io.crossmodal.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller) running inside this
 * JVM on loopback, from the Kafka server artifacts: no Docker, no downloads.
 *
 * <p>The data folder is formatted on first use and reused afterwards, so a restarted broker keeps
 * its topics, offsets and transactions. Not thread safe; {@link #close()} stops it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /** Where {@link #freePort} looks: below the system's ephemeral (source port) range. */
  static final int FIXED_PORTS_FROM = 20_000;

  static final int FIXED_PORTS_TO = 32_768;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int port;
  private final KafkaRaftServer server;

  private EmbeddedKafkaBroker(int port, KafkaRaftServer server) {
    this.port = port;
    this.server = server;
  }

  /** Starts a broker on {@code port} (0 = any free port) with its log in {@code dataDir}. */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    return start(dataDir, port, Map.of());
  }

  public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
    int brokerPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Path logDir = dataDir.resolve("kraft-logs");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "6");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("message.max.bytes", String.valueOf(16 << 20));
    p.put("replica.fetch.max.bytes", String.valueOf(16 << 20));
    p.put("log.cleaner.backoff.ms", "1000");
    p.put("num.partitions", "6");
    p.putAll(overrides);
    try {
      Files.createDirectories(logDir);
      KafkaConfig config = KafkaConfig.fromProps(p, false);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(logDir);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(brokerPort, server);
      broker.awaitReady();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka data dir " + logDir, e);
    }
  }

  private static void format(Path logDir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logDir.toString()))
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format KRaft storage in " + logDir, e);
    }
  }

  private void awaitReady() {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("embedded Kafka broker not ready after 60 s", e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** A port nothing listens on now, outside the range the system picks source ports from. */
  public static int freePort() {
    // Below Linux's ephemeral range (32768-60999): a port the system hands out for port 0 can be
    // taken again as the source port of any outgoing connection (a Kafka client's) before the
    // caller binds it, which failed a launcher start ("Address already in use").
    for (int attempt = 0; attempt < 100; attempt++) {
      int candidate = FIXED_PORTS_FROM + RANDOM.nextInt(FIXED_PORTS_TO - FIXED_PORTS_FROM);
      try (ServerSocket s = new ServerSocket(candidate)) {
        s.setReuseAddress(true);
        return candidate;
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
