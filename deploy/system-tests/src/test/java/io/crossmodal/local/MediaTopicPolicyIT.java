package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.config.MediaTopicPolicy;
import io.crossmodal.encoder.app.EncoderService;
import io.crossmodal.kafka.EmbeddedKafkaBroker;
import io.crossmodal.model.joint.ServedModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media topics as the system of record, on a real broker: {@code createTopics} makes them
 * compacted (so the broker refuses a keyless media record instead of a consumer meeting it later);
 * a deployment whose media topics were created with the default delete policy is reported with a
 * command that, applied as written, fixes it; the encoder exports the count and starts either way.
 */
class MediaTopicPolicyIT {
  @TempDir Path dir;

  @Test
  void createdMediaTopicsAreCompactedAndOldOnesAreReportedWithTheCommandThatFixesThem()
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0)) {
      Config fresh =
          Config.defaults()
              .with(
                  Map.of("bootstrap.servers", broker.bootstrapServers(), "topic.partitions", "1"));
      KafkaClients.createTopics(fresh);
      try (Admin admin = Admin.create(fresh.kafkaClientProperties());
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(
                  KafkaClients.producer(fresh),
                  new StringSerializer(),
                  new ByteArraySerializer())) {
        // check() skips topics it cannot see, so each check waits until the broker's metadata holds
        // them.
        awaitVisible(admin, fresh.topicNames().mediaImages(), fresh.topicNames().mediaTexts());
        assertEquals(
            List.of(),
            MediaTopicPolicy.check(admin, fresh.topicNames(), broker.bootstrapServers()));
        org.apache.kafka.clients.admin.Config images =
            describe(admin, fresh.topicNames().mediaImages());
        assertEquals("compact", images.get("cleanup.policy").value());
        assertEquals("86400000", images.get("delete.retention.ms").value());
        ExecutionException refused =
            assertThrows(
                ExecutionException.class,
                () ->
                    producer
                        .send(
                            new ProducerRecord<>(
                                fresh.topicNames().mediaImages(), null, new byte[] {1}))
                        .get());
        assertInstanceOf(
            InvalidRecordException.class,
            refused.getCause(),
            "a keyless media record is refused at the door");

        // A deployment from before: media topics with the broker's default (delete) policy.
        Config old =
            fresh.with(
                Map.of(
                    "topic.media.images",
                    "old.images",
                    "topic.media.texts",
                    "old.texts",
                    "encoder.port",
                    "0"));
        admin
            .createTopics(
                List.of(
                    new NewTopic("old.images", 1, (short) 1),
                    new NewTopic("old.texts", 1, (short) 1)))
            .all()
            .get();
        awaitVisible(admin, "old.images", "old.texts");
        List<MediaTopicPolicy.Finding> findings =
            MediaTopicPolicy.check(admin, old.topicNames(), broker.bootstrapServers());
        assertEquals(
            List.of("old.images", "old.texts"),
            findings.stream().map(MediaTopicPolicy.Finding::topic).toList());
        assertTrue(
            findings.get(0).message().contains("cleanup.policy=delete"), findings.get(0).message());

        try (EncoderService encoder =
            new EncoderService(old, ServedModel.entry(old, null)).start()) {
          assertTrue(
              metrics(encoder.httpPort()).contains("crossmodal_media_topics_uncompacted 2.0"),
              "the encoder starts and says so");
        }

        for (MediaTopicPolicy.Finding f : findings) {
          apply(admin, f.command());
        }
        assertEquals(
            List.of(),
            MediaTopicPolicy.check(admin, old.topicNames(), broker.bootstrapServers()),
            "the printed command, applied as written, fixes the topic");
      }
    }
  }

  /**
   * Topic creation returns once the controller has the topic; the broker that answers
   * describeConfigs may learn of it a moment later (it answers "unknown topic" until then).
   */
  private static void awaitVisible(Admin admin, String... topics) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(List.of(topics))) {
      assertTrue(
          System.nanoTime() < deadline, "topics " + List.of(topics) + " never became visible");
      Thread.sleep(50);
    }
  }

  /**
   * Applies a {@code kafka-configs --alter --entity-name T --add-config k=v,…} command through the
   * admin API.
   */
  private static void apply(Admin admin, String command) throws Exception {
    String[] words = command.split(" ");
    String topic = null;
    List<AlterConfigOp> ops = new ArrayList<>();
    for (int i = 0; i < words.length - 1; i++) {
      if (words[i].equals("--entity-name")) {
        topic = words[i + 1];
      } else if (words[i].equals("--add-config")) {
        for (String kv : words[i + 1].split(",")) {
          String[] p = kv.split("=", 2);
          ops.add(new AlterConfigOp(new ConfigEntry(p[0], p[1]), AlterConfigOp.OpType.SET));
        }
      }
    }
    admin
        .incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops))
        .all()
        .get();
  }

  private static org.apache.kafka.clients.admin.Config describe(Admin admin, String topic)
      throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get().get(r);
  }

  private static String metrics(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
