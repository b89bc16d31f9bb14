package io.crossmodal.encoder.app;

import io.crossmodal.common.config.Config;
import java.time.Duration;

/**
 * The encoder service's own settings, read once from the one {@link Config} (whose key table
 * documents each). Kafka client settings and the components shared with other services (media
 * validation, the query contract, HTTP limits, authentication, which model file) keep reading
 * {@code Config} themselves.
 *
 * @param groupId consumer group of the media loops (one per model: {@code <groupId>-<model-id>})
 *     and, with {@code -queries}, of the query loop; also the transactional id's prefix
 * @param batchSize most items in one inference batch (a poll fetches four batches' worth)
 * @param linger longest wait to fill a media batch
 */
record EncoderConfig(
    int port,
    String groupId,
    int batchSize,
    Duration linger,
    int imageMaxBytes,
    int maxMessageBytes,
    String bootstrapServers) {

  public static EncoderConfig from(Config c) {
    return new EncoderConfig(
        c.getInt("encoder.port"),
        c.get("encoder.group.id"),
        c.getInt("encoder.batch.size"),
        Duration.ofMillis(c.getLong("encoder.batch.linger.ms")),
        c.getInt("encoder.image.max.bytes"),
        c.getInt("topic.max.message.bytes"),
        c.get("bootstrap.servers"));
  }
}
