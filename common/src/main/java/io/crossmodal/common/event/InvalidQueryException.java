package io.crossmodal.common.event;

/** A query that cannot be answered, with a reason fit for a 400 body or a dead-letter header. */
public final class InvalidQueryException extends Exception {
  public InvalidQueryException(String message) {
    super(message);
  }
}
