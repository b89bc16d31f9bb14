package io.crossmodal.common.config;

import io.crossmodal.common.topic.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The media topics are the system of record: a new model can only be built from what they still
 * hold. So they are compacted by media id (the latest image or text of each id is kept forever, a
 * delete is a tombstone) instead of expiring after the broker's default seven days. This class
 * holds those settings for topic creation and checks that an existing deployment's topics have
 * them, naming the exact command that fixes a topic that does not.
 */
public final class MediaTopicPolicy {
  /**
   * Topic configs that make a media topic a replayable log; a tombstone stays readable for a day.
   */
  public static final Map<String, String> CONFIGS =
      Map.of("cleanup.policy", "compact", "delete.retention.ms", "86400000");

  /** A media topic that is not compacted, and the command that makes it so. */
  public record Finding(String topic, String cleanupPolicy, String command) {
    public String message() {
      return "topic "
          + topic
          + " has cleanup.policy="
          + cleanupPolicy
          + ": its media expire and a new model can never"
          + " re-embed them; to keep them, run: "
          + command;
    }
  }

  private MediaTopicPolicy() {}

  /**
   * The media topics whose cleanup policy is not compaction alone; topics that do not exist are not
   * reported.
   */
  public static List<Finding> check(Admin admin, TopicNames names, String bootstrapServers) {
    List<ConfigResource> resources =
        List.of(names.mediaImages(), names.mediaTexts()).stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
            .toList();
    Map<ConfigResource, KafkaFuture<Config>> described =
        admin.describeConfigs(resources).values(); // one request for both
    List<Finding> findings = new ArrayList<>();
    for (ConfigResource resource : resources) {
      String topic = resource.name();
      Config config;
      try {
        config = described.get(resource).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          continue;
        }
        throw new IllegalStateException(
            "cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topic " + topic, e);
      }
      String policy =
          config.get("cleanup.policy") == null ? "delete" : config.get("cleanup.policy").value();
      if (!policy.equals("compact")) {
        findings.add(new Finding(topic, policy, command(topic, bootstrapServers)));
      }
    }
    return findings;
  }

  /**
   * The {@code kafka-configs} call (from the Kafka distribution's {@code bin/}) that applies {@link
   * #CONFIGS} to a topic.
   */
  static String command(String topic, String bootstrapServers) {
    String configs =
        new TreeMap<>(CONFIGS)
            .entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    return "kafka-configs.sh --bootstrap-server "
        + bootstrapServers
        + " --alter --entity-type topics --entity-name "
        + topic
        + " --add-config "
        + configs;
  }
}
