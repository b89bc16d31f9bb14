package io.crossmodal.encoder.internal.metrics;

import io.crossmodal.common.http.Rejections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The encoder's own meters ({@code crossmodal_*}); thread safe. */
public final class EncoderMetrics {
  private final MeterRegistry registry;
  private final Rejections rejections;

  public EncoderMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rejections = new Rejections(registry, "encoder");
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void recordIn(String topic) {
    Counter.builder("crossmodal.records.in")
        .tag("service", "encoder")
        .tag("topic", topic)
        .register(registry)
        .increment();
  }

  public void recordOut(String topic) {
    Counter.builder("crossmodal.records.out")
        .tag("service", "encoder")
        .tag("topic", topic)
        .register(registry)
        .increment();
  }

  /**
   * An HTTP request refused with a 4xx and a reason (HTTP callers get the reason instead of a dead
   * letter).
   */
  public void rejected(String reason) {
    rejections.count(reason);
  }

  public void batch(String modality, int size, long nanos) {
    DistributionSummary.builder("crossmodal.encoder.batch.size")
        .tag("modality", modality)
        .publishPercentileHistogram()
        .register(registry)
        .record(size);
    Timer.builder("crossmodal.encoder.latency")
        .description("encode time of one batch")
        .tag("modality", modality)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }
}
