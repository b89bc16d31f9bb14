package io.crossmodal.ingest.app;

import io.crossmodal.common.config.Config;

/**
 * The ingest service's own settings, read once from the one {@link Config} (whose key table
 * documents each). Kafka client settings and the components shared with other services (media
 * validation, HTTP limits, authentication) keep reading {@code Config} themselves.
 *
 * @param maxMessageBytes largest record the media topics take: a request that would make a larger
 *     one is refused with 413
 */
record IngestConfig(int port, int maxMessageBytes) {

  public static IngestConfig from(Config c) {
    return new IngestConfig(c.getInt("ingest.port"), c.getInt("topic.max.message.bytes"));
  }
}
