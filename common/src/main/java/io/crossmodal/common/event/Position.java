package io.crossmodal.common.event;

import io.crossmodal.common.errors.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * Where a write landed: a media record's topic, partition and offset. The ingest API returns it as
 * a token ({@code media.texts:3:1234}; a delete's token names both media topics, comma separated),
 * any producer has it from its {@code RecordMetadata}; a query's {@code "after"} names tokens, and
 * is answered only once the shard of each position has indexed its partition up to that offset.
 *
 * <p>Media partition p feeds shard p: the encoder writes a media record's embedding to the
 * embeddings partition of the same key, and the topics have the same partition count (as {@code
 * --create-topics} makes them), so with the default partitioner both hash the key alike.
 */
public record Position(String topic, int partition, long offset) {
  /** Positions one query may wait for. */
  public static final int MAX_PER_QUERY = 100;

  public static String token(List<Position> positions) {
    StringBuilder out = new StringBuilder();
    for (Position p : positions) {
      out.append(out.isEmpty() ? "" : ",").append(p);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return topic + ":" + partition + ":" + offset;
  }

  /** The positions of one token; throws {@link IllegalArgumentException} naming what is wrong. */
  public static List<Position> parse(String token) {
    List<Position> out = new ArrayList<>();
    for (String one : token.split(",", -1)) {
      int b = one.lastIndexOf(':');
      int a = b <= 0 ? -1 : one.lastIndexOf(':', b - 1);
      if (a <= 0) {
        throw new IllegalArgumentException("position '" + one + "' is not topic:partition:offset");
      }
      try {
        int partition = Integer.parseInt(one.substring(a + 1, b));
        long offset = Long.parseLong(one.substring(b + 1));
        if (partition < 0 || partition >= EncodedQuery.MAX_SHARDS || offset < 0) {
          throw new NumberFormatException("out of range");
        }
        out.add(new Position(one.substring(0, a), partition, offset));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "position '"
                + one
                + "' needs a partition (0 to "
                + (EncodedQuery.MAX_SHARDS - 1)
                + ") and an offset (≥ 0)");
      }
    }
    return out;
  }

  /**
   * Adds this position as the {@code crossmodal.source.*} headers: a record's origin, on dead
   * letters and on embeddings (the shard's watermark).
   */
  public void addTo(Headers h) {
    h.add(DeadLetter.SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    h.add(DeadLetter.SOURCE_PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
    h.add(DeadLetter.SOURCE_OFFSET, String.valueOf(offset).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Where a producer's record landed: what the ingest API answers, and what any producer can build
   * its token from.
   */
  public static Position of(RecordMetadata m) {
    return new Position(m.topic(), m.partition(), m.offset());
  }

  /**
   * The position in {@code h}'s {@code crossmodal.source.*} headers, or null when they are missing
   * or malformed.
   */
  public static Position of(Headers h) {
    String topic = DeadLetter.header(h, DeadLetter.SOURCE_TOPIC);
    String partition = DeadLetter.header(h, DeadLetter.SOURCE_PARTITION);
    String offset = DeadLetter.header(h, DeadLetter.SOURCE_OFFSET);
    if (topic == null || partition == null || offset == null) {
      return null;
    }
    try {
      Position p = new Position(topic, Integer.parseInt(partition), Long.parseLong(offset));
      return p.partition() >= 0 && p.offset() >= 0 ? p : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The "topic:partition" a shard keeps its watermark under. */
  public String partitionKey() {
    return topic + ":" + partition;
  }
}
