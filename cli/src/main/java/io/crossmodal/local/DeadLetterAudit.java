package io.crossmodal.local;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.topic.TopicReader;
import io.crossmodal.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link MalformedRecords} and checks, from the dead-letter topics themselves, that each one
 * was dead-lettered exactly once, on the right topic, with its reason and its source coordinates.
 * Dead letters are matched to what was sent by source topic, partition and offset, so cases with
 * null keys count too.
 */
public final class DeadLetterAudit {
  /** A case as written: where it landed. */
  public record Sent(MalformedRecords.Case bad, String topic, int partition, long offset) {
    String coordinates() {
      return topic + "/" + partition + "/" + offset;
    }
  }

  /**
   * @param caught cases found on a dead-letter topic at least once
   * @param duplicated dead letters beyond one per case
   * @param wrong cases found on the wrong topic or with another reason, with what was found
   */
  public record Outcome(
      int expected, int caught, int duplicated, List<String> wrong, List<String> missing) {
    public boolean complete() {
      return caught == expected && duplicated == 0 && wrong.isEmpty();
    }
  }

  private DeadLetterAudit() {}

  /** Writes every case (synchronously, so each one's offset is known). */
  public static List<Sent> send(Config config, List<MalformedRecords.Case> cases) throws Exception {
    List<Sent> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (MalformedRecords.Case c : cases) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(c.topic(), c.key(), c.value());
        c.headers().forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        RecordMetadata m = producer.send(r).get();
        sent.add(new Sent(c, m.topic(), m.partition(), m.offset()));
      }
    }
    return sent;
  }

  /** Reads both services' dead-letter topics to their ends and matches them to {@code sent}. */
  public static Outcome check(Config config, Topics topics, List<Sent> sent) {
    Map<String, Sent> byCoordinates = new HashMap<>();
    sent.forEach(s -> byCoordinates.put(s.coordinates(), s));
    Map<String, Integer> seen = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    for (var dlq : List.of(topics.encoderDlq.name(), topics.searchDlq.name())) {
      String service = dlq.equals(topics.encoderDlq.name()) ? "encoder" : "search";
      TopicReader.readAll(
          config,
          List.of(dlq),
          r -> {
            String at =
                DeadLetter.header(r.headers(), DeadLetter.SOURCE_TOPIC)
                    + "/"
                    + DeadLetter.header(r.headers(), DeadLetter.SOURCE_PARTITION)
                    + "/"
                    + DeadLetter.header(r.headers(), DeadLetter.SOURCE_OFFSET);
            Sent s = byCoordinates.get(at);
            if (s == null) {
              return; // a dead letter of something else (e.g. another test's input)
            }
            seen.merge(at, 1, Integer::sum);
            String reason = DeadLetter.header(r.headers(), DeadLetter.ERROR_REASON);
            String message = DeadLetter.header(r.headers(), DeadLetter.ERROR_MESSAGE);
            if (!s.bad().dlq().equals(service)
                || !s.bad().reason().equals(reason)
                || message == null
                || message.isBlank()) {
              wrong.add(
                  s.bad().name()
                      + ": expected "
                      + s.bad().dlq()
                      + " dlq / "
                      + s.bad().reason()
                      + ", got "
                      + service
                      + " dlq / "
                      + reason
                      + " ("
                      + message
                      + ")");
            }
          });
    }
    int duplicated = seen.values().stream().mapToInt(n -> n - 1).sum();
    List<String> missing =
        sent.stream()
            .filter(s -> !seen.containsKey(s.coordinates()))
            .map(s -> s.bad().name())
            .toList();
    return new Outcome(sent.size(), seen.size(), duplicated, wrong, missing);
  }
}
