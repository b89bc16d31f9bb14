package io.crossmodal.common.errors;

import io.crossmodal.common.event.Position;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter contract, one for the whole system: a dead-letter record's key and value are the
 * original bytes, and these headers say why it failed and exactly where it came from, so an
 * operator can find, fix and replay it. Build records with {@link DeadLetters}; read headers with
 * {@link #header}.
 */
public final class DeadLetter {
  public static final String ERROR_CLASS = "crossmodal.error.class";
  public static final String ERROR_REASON = "crossmodal.error.reason";
  public static final String ERROR_MESSAGE = "crossmodal.error.message";
  public static final String SOURCE_TOPIC = "crossmodal.source.topic";
  public static final String SOURCE_PARTITION = "crossmodal.source.partition";
  public static final String SOURCE_OFFSET = "crossmodal.source.offset";

  /**
   * Set, with the original value's size, only when the value was left out because the dead letter
   * would not fit in one record; the original stays readable at the source offset.
   */
  public static final String SOURCE_VALUE_BYTES = "crossmodal.source.value.bytes";

  public static final String SERVICE = "crossmodal.service";

  /**
   * The model whose encoder refused the record. Each deployed model's encoder reads the media
   * topics itself, so during a migration a bad media record is dead-lettered once per model that
   * read it: count distinct source positions for the number of bad records.
   */
  public static final String MODEL = "crossmodal.model";

  public static final String TIME = "crossmodal.error.time";

  /**
   * Longest error message kept in a header: a message quoting its input must not grow the record.
   */
  static final int MAX_MESSAGE_CHARS = 1000;

  private DeadLetter() {}

  /**
   * @param reason short stable label, also the metric tag (e.g. {@code corrupt-image})
   * @param error the exception class name or a label
   */
  static Headers headers(
      String reason,
      String error,
      String message,
      String topic,
      int partition,
      long offset,
      String service) {
    RecordHeaders h = new RecordHeaders();
    add(h, ERROR_REASON, reason);
    add(h, ERROR_CLASS, error);
    String m = message == null ? "" : message;
    add(
        h,
        ERROR_MESSAGE,
        m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS) + "…" : m);
    new Position(topic, partition, offset).addTo(h);
    add(h, SERVICE, service);
    add(h, TIME, String.valueOf(System.currentTimeMillis()));
    return h;
  }

  /** Sets {@code key} to {@code value} (text). */
  public static void add(Headers h, String key, String value) {
    h.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads a header as text, or null. */
  public static String header(Headers headers, String key) {
    var h = headers.lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
