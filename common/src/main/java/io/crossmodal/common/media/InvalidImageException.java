package io.crossmodal.common.media;

/** An image that cannot be encoded, with a reason fit for a dead-letter header or a 4xx body. */
public final class InvalidImageException extends Exception {
  public InvalidImageException(String message) {
    super(message);
  }

  public InvalidImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
