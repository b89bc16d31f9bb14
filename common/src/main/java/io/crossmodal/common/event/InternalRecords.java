package io.crossmodal.common.event;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.serde.Json;
import java.nio.charset.StandardCharsets;

/**
 * The part every internal JSON record's validation shares: a key, a value, JSON of the right shape.
 */
final class InternalRecords {
  private InternalRecords() {}

  /**
   * @param what the record's name in messages ("encoded query")
   * @param corrupt the reason for a value that is not such a record ({@code corrupt-…})
   */
  static <T> T parse(String key, byte[] value, Class<T> type, String what, String corrupt) {
    if (key == null) {
      throw new RejectedRecordException("missing-key", what + " without a query id key");
    }
    T record;
    try {
      record = value == null ? null : Json.read(new String(value, StandardCharsets.UTF_8), type);
    } catch (IllegalArgumentException e) {
      throw new RejectedRecordException(corrupt, e.getMessage());
    }
    if (record == null) {
      throw new RejectedRecordException(corrupt, what + " value is empty or null");
    }
    return record;
  }
}
