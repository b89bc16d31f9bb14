package io.crossmodal.common.http;

/** An HTTP error status with a reason for the JSON body. */
public final class HttpError extends Exception {
  private final int status;

  public HttpError(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
