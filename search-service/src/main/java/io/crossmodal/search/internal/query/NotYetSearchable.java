package io.crossmodal.search.internal.query;

/**
 * A read-your-writes query waited its whole {@code search.after.timeout.ms} and a shard had still
 * not applied one of its positions: HTTP 504 with the lag in the message, from the instance serving
 * the shard through its peers to the client.
 */
public final class NotYetSearchable extends RuntimeException {
  public NotYetSearchable(String message) {
    super(message, null, false, false);
  }
}
