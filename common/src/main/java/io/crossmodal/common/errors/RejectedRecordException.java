package io.crossmodal.common.errors;

/**
 * A record that failed validation at a service's boundary: thrown where the problem is found and
 * turned into a dead letter (with {@link #reason()} as its reason and metric tag) by the one error
 * path of the service that read it. Carries no stack trace: it is an answer, not a bug.
 */
public final class RejectedRecordException extends RuntimeException {
  private final String reason;

  /**
   * @param reason short stable label, e.g. {@code wrong-model}
   */
  public RejectedRecordException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
