package io.crossmodal.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The count of refused HTTP requests by reason, {@code crossmodal_http_rejected_total{service,
 * reason}}: HTTP has no dead-letter topic, so the caller gets the reason and operators get this
 * counter. One per service. Thread safe.
 */
public final class Rejections {
  private final MeterRegistry registry;
  private final String service;

  public Rejections(MeterRegistry registry, String service) {
    this.registry = registry;
    this.service = service;
  }

  public void count(String reason) {
    Counter.builder("crossmodal.http.rejected")
        .description("HTTP requests refused, by reason")
        .tag("service", service)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Counts the refusal and returns the error to throw. */
  public HttpError reject(int status, String message, String reason) {
    count(reason);
    return new HttpError(status, message);
  }
}
