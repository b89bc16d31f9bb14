package io.crossmodal.search.internal.errors;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.errors.RejectedRecordException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search service's one error path inside Kafka Streams. Any exception a processor throws while
 * handling a record — a {@link RejectedRecordException} from validation, or one nobody foresaw —
 * costs that record, never the stream thread: the record's original bytes go to {@code search.dlq}
 * with the {@code crossmodal.error.*} headers and source coordinates (Kafka Streams writes the
 * returned dead letter in the task's transaction, so exactly once), and processing resumes.
 * Undeserializable records take the same path.
 *
 * <p>Production errors are dead-lettered only when the output itself can never be written (too
 * large, unserializable); any other send error fails as Kafka Streams does by default, because
 * resuming would drop output that a retry after restart still writes.
 *
 * <p>Kafka Streams instantiates handlers by class: the service passes its {@link DeadLetters} in
 * the streams properties under {@link #DEAD_LETTERS}.
 */
public final class StreamsDeadLetterHandler
    implements ProcessingExceptionHandler,
        DeserializationExceptionHandler,
        ProductionExceptionHandler {
  /** Streams property holding this service's {@link DeadLetters} instance. */
  public static final String DEAD_LETTERS = "crossmodal.dead.letters";

  private static final Logger LOG = LoggerFactory.getLogger(StreamsDeadLetterHandler.class);

  private DeadLetters deadLetters;

  @Override
  public void configure(Map<String, ?> configs) {
    Object given = configs.get(DEAD_LETTERS);
    if (!(given instanceof DeadLetters d)) {
      throw new IllegalStateException(
          "streams property "
              + DEAD_LETTERS
              + " must hold the service's DeadLetters, got "
              + given);
    }
    this.deadLetters = d;
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    return ProcessingExceptionHandler.Response.resume(deadLetter(context, exception));
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    return DeserializationExceptionHandler.Response.resume(deadLetter(context, exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      return ProductionExceptionHandler.Response.resume(deadLetter(context, exception));
    }
    return ProductionExceptionHandler.Response.fail();
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return ProductionExceptionHandler.Response.resume(
        deadLetter(context, new SerializationException(origin + ": " + exception, exception)));
  }

  private List<ProducerRecord<byte[], byte[]>> deadLetter(
      ErrorHandlerContext context, Exception exception) {
    if (context.topic() == null) {
      // A punctuation, not a record: nothing to dead-letter; the punctuator runs again on its
      // schedule.
      LOG.error(
          "punctuation of {} failed in task {}; skipped this time",
          context.processorNodeId(),
          context.taskId(),
          exception);
      return List.of();
    }
    if (!(exception instanceof RejectedRecordException)) {
      LOG.error(
          "unexpected error on {}-{}@{} in {}: dead-lettered, processing goes on",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          exception);
    }
    return List.of(
        deadLetters.letter(
            context.topic(),
            context.partition(),
            context.offset(),
            context.timestamp(),
            context.sourceRawKey(),
            context.sourceRawValue(),
            exception));
  }
}
