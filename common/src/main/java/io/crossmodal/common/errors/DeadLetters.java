package io.crossmodal.common.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One service's dead-letter writer: builds the record for its {@code .dlq} topic with the {@link
 * DeadLetter} headers and counts it in {@code crossmodal_dlq_records_total{service, topic, reason}}
 * (topic = the source topic). Every place a service reads records uses this one (the encoder's
 * loops, the search service's Kafka Streams handler), so the contract cannot drift.
 *
 * <p>A dead letter must fit in one record of the dead-letter topic: when the original value plus
 * headers would not, the value is left out and {@link DeadLetter#SOURCE_VALUE_BYTES} says how big
 * it was (the original is still at its source offset). Without that, a value that nearly fills a
 * record would fail the whole transaction that dead-letters it, again after every restart. Thread
 * safe.
 */
public final class DeadLetters {
  /** Room for the record's own framing beyond key, value and headers. */
  private static final int RECORD_OVERHEAD = 512;

  private final String service;
  private final String topic;
  private final int maxRecordBytes;
  private final MeterRegistry registry;

  /**
   * @param service the service label ({@code encoder}, {@code search}); headers say {@code
   *     <service>-service}
   * @param topic the service's dead-letter topic
   * @param maxRecordBytes largest record the topic and the producer accept
   */
  public DeadLetters(String service, String topic, int maxRecordBytes, MeterRegistry registry) {
    this.service = service;
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    this.registry = registry;
  }

  /**
   * The dead letter of a record read at {@code sourceTopic}/{@code partition}/{@code offset};
   * counts it.
   */
  public ProducerRecord<byte[], byte[]> letter(
      String sourceTopic,
      int partition,
      long offset,
      Long timestamp,
      byte[] key,
      byte[] value,
      String reason,
      String error,
      String message) {
    Headers headers =
        DeadLetter.headers(
            reason, error, message, sourceTopic, partition, offset, service + "-service");
    byte[] kept = value;
    if (value != null && size(key, value, headers) > maxRecordBytes) {
      DeadLetter.add(headers, DeadLetter.SOURCE_VALUE_BYTES, String.valueOf(value.length));
      kept = null;
    }
    Counter.builder("crossmodal.dlq.records")
        .description("records dead-lettered, by source topic and reason")
        .tag("service", service)
        .tag("topic", sourceTopic)
        .tag("reason", reason)
        .register(registry)
        .increment();
    return new ProducerRecord<>(topic, null, timestamp, key, kept, headers);
  }

  /**
   * The dead letter of a record that threw {@code e}: its reason if it was rejected, else {@code
   * unexpected-error}.
   */
  public ProducerRecord<byte[], byte[]> letter(
      String sourceTopic,
      int partition,
      long offset,
      Long timestamp,
      byte[] key,
      byte[] value,
      Throwable e) {
    String reason = e instanceof RejectedRecordException r ? r.reason() : "unexpected-error";
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return letter(
        sourceTopic,
        partition,
        offset,
        timestamp,
        key,
        value,
        reason,
        e.getClass().getName(),
        message);
  }

  private static long size(byte[] key, byte[] value, Headers headers) {
    long n = RECORD_OVERHEAD + (key == null ? 0 : key.length) + value.length;
    for (Header h : headers) {
      n += h.key().length() + (h.value() == null ? 0 : h.value().length) + 8;
    }
    return n;
  }
}
