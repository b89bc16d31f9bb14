package io.crossmodal.encoder.internal.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.model.image.Thumbnails;
import io.crossmodal.model.joint.Towers;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one poll of media and query records into output records: vectors for {@code embeddings},
 * fanned-out encoded queries, and dead letters. Inputs are validated at this boundary by the shared
 * {@link MediaValidator} and {@link QueryParser} (the ingest API and {@code POST /v1/encode} apply
 * the same ones); the valid ones are encoded in batches of at most {@code batchSize}. Nothing is
 * dropped: every input yields a vector, a tombstone, an encoded query, or a dead letter (and, for a
 * bad query, an error result so the client's wait ends).
 *
 * <p>An exception nobody foresaw costs one record, not the poll or the loop: a record whose
 * validation throws is dead-lettered ({@code unexpected-error}), and a batch whose encoding throws
 * is retried item by item so only the items that fail alone are dead-lettered.
 *
 * <p>Not thread safe; one per consumer thread.
 */
public final class MediaEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(MediaEncoder.class);

  /**
   * Metadata key of the image preview the search service serves at {@code /v1/media/{id}/image}.
   */
  public static final String THUMBNAIL = "thumbnail";

  private static final int THUMBNAIL_SIDE = 128;

  private final Topics topics;
  private final Towers encoder;
  private final MediaValidator validator;
  private final QueryParser queryParser;
  private final int batchSize;
  private final EncoderMetrics metrics;
  private final DeadLetters deadLetters;
  private final QueryFanOut fanOut;

  /** Encode time of the latest batch, reported in each query's result timings. */
  private double lastEncodeMillis;

  public MediaEncoder(
      Topics topics,
      Towers encoder,
      MediaValidator validator,
      QueryParser queryParser,
      int batchSize,
      EncoderMetrics metrics,
      DeadLetters deadLetters) {
    this.topics = topics;
    this.encoder = encoder;
    this.validator = validator;
    this.queryParser = queryParser;
    this.batchSize = batchSize;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.fanOut = new QueryFanOut(topics, encoder.modelId(), metrics);
  }

  /** An input that passed validation, waiting for its batch. */
  private record Pending<T>(ConsumerRecord<byte[], byte[]> source, T input, String metadata) {}

  /** An image query whose image decoded. */
  private record ImageQuery(SearchQuery query, BufferedImage image) {}

  /** The valid inputs of one poll, by kind, in input order. */
  private static final class Accepted {
    final List<Pending<BufferedImage>> images = new ArrayList<>();
    final List<Pending<String>> texts = new ArrayList<>();
    final List<Pending<SearchQuery>> textQueries = new ArrayList<>();
    final List<Pending<ImageQuery>> imageQueries = new ArrayList<>();
  }

  /**
   * @param queryPartitions partitions of the encoded-queries topic (= search shards)
   */
  public EncodedBatch encode(List<ConsumerRecord<byte[], byte[]>> records, int queryPartitions) {
    EncodedBatch out = new EncodedBatch(records);
    Accepted accepted = new Accepted();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      metrics.recordIn(r.topic());
      try {
        accept(r, accepted, out, queryPartitions);
      } catch (RejectedRecordException e) {
        if (r.topic().equals(topics.queries.name()) && r.key() != null) {
          rejectQuery(r, e, out);
        } else {
          deadLetter(r, e, out);
        }
      } catch (RuntimeException e) {
        LOG.error(
            "unexpected error on {}-{}@{}: dead-lettered, processing goes on",
            r.topic(),
            r.partition(),
            r.offset(),
            e);
        deadLetter(r, e, out);
      }
    }
    inBatches(
        accepted.images,
        Modality.IMAGE,
        p -> encoder.encodeImages(p.stream().map(Pending::input).toList()),
        (p, v) -> embedding(p, Modality.IMAGE, v, out),
        out);
    inBatches(
        accepted.texts,
        Modality.TEXT,
        p -> encoder.encodeTexts(p.stream().map(Pending::input).toList()),
        (p, v) -> embedding(p, Modality.TEXT, v, out),
        out);
    inBatches(
        accepted.textQueries,
        Modality.TEXT,
        p -> encoder.encodeTexts(p.stream().map(q -> q.input().text()).toList()),
        (p, v) ->
            fanOut.toEveryShard(p.source(), p.input(), v, lastEncodeMillis, queryPartitions, out),
        out);
    inBatches(
        accepted.imageQueries,
        Modality.IMAGE,
        p -> encoder.encodeImages(p.stream().map(q -> q.input().image()).toList()),
        (p, v) ->
            fanOut.toEveryShard(
                p.source(), p.input().query(), v, lastEncodeMillis, queryPartitions, out),
        out);
    return out;
  }

  /**
   * Validates one record and files it for its batch (or emits its output at once); throws what it
   * rejects.
   */
  private void accept(
      ConsumerRecord<byte[], byte[]> r, Accepted accepted, EncodedBatch out, int queryPartitions) {
    if (r.key() == null) {
      throw new RejectedRecordException(
          "missing-key",
          (r.topic().equals(topics.queries.name()) ? "query" : "media")
              + " record without an id key");
    }
    if (r.topic().equals(topics.queries.name())) {
      acceptQuery(r, accepted, out, queryPartitions);
    } else if (r.value() == null) {
      out.add(r, embeddingOf(r, null));
      metrics.recordOut(topics.embeddings.name());
    } else if (r.topic().equals(topics.mediaImages.name())) {
      ObjectNode metadata = validator.metadata(header(r, "metadata"));
      BufferedImage image = validator.image(r.value());
      metadata.put(
          THUMBNAIL, Base64.getEncoder().encodeToString(Thumbnails.png(image, THUMBNAIL_SIDE)));
      accepted.images.add(new Pending<>(r, image, Json.write(metadata)));
    } else {
      ObjectNode metadata = validator.metadata(header(r, "metadata"));
      String text = validator.text(r.value());
      if (!metadata.has("text")) {
        metadata.put("text", text.length() > 500 ? text.substring(0, 500) : text);
      }
      accepted.texts.add(new Pending<>(r, text, Json.write(metadata)));
    }
  }

  private void acceptQuery(
      ConsumerRecord<byte[], byte[]> r, Accepted accepted, EncodedBatch out, int partitions) {
    SearchQuery q;
    try {
      q = queryParser.parse(r.value() == null ? null : topics.queries.decodeValue(r.value()));
    } catch (InvalidQueryException e) {
      throw new RejectedRecordException("invalid-query", e.getMessage());
    }
    if (q.text() != null) {
      accepted.textQueries.add(new Pending<>(r, q, null));
    } else if (q.image() != null) {
      accepted.imageQueries.add(
          new Pending<>(r, new ImageQuery(q, validator.image(q.image())), null));
    } else {
      // Query by example: only the shard holding the item has its vector; it re-fans the query out.
      fanOut.toExampleOwner(r, q, partitions, out);
    }
  }

  /**
   * A bad query: dead-lettered, and its error travels as a one-shard answer so the merge step emits
   * it as the query's only result.
   */
  private void rejectQuery(
      ConsumerRecord<byte[], byte[]> r, RejectedRecordException e, EncodedBatch out) {
    deadLetter(r, e, out);
    fanOut.error(r, e.getMessage(), out);
  }

  private void embedding(Pending<?> p, Modality modality, float[] vector, EncodedBatch out) {
    ConsumerRecord<byte[], byte[]> r = p.source();
    byte[] source = header(r, "source");
    EmbeddingRecord e =
        new EmbeddingRecord(
            modality,
            encoder.modelId(),
            vector,
            source == null ? "" : new String(source, StandardCharsets.UTF_8),
            p.metadata(),
            r.timestamp());
    out.add(r, embeddingOf(r, topics.embeddings.encodeValue(e)));
    metrics.recordOut(topics.embeddings.name());
  }

  /**
   * The embeddings record (a vector, or null: a tombstone) of media record {@code source}, carrying
   * the source's position in its headers: the shard's watermark, which read-your-writes queries
   * wait for.
   */
  private ProducerRecord<byte[], byte[]> embeddingOf(
      ConsumerRecord<byte[], byte[]> source, byte[] value) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topics.embeddings.name(), source.key(), value);
    new Position(source.topic(), source.partition(), source.offset()).addTo(record.headers());
    return record;
  }

  /**
   * Encodes {@code pending} in chunks of {@code batchSize}. A chunk that throws is encoded again
   * one item at a time, so one input that breaks the model costs only itself (dead-lettered).
   */
  private <T> void inBatches(
      List<Pending<T>> pending,
      Modality modality,
      Function<List<Pending<T>>, float[][]> encode,
      BiConsumer<Pending<T>, float[]> emit,
      EncodedBatch out) {
    for (int start = 0; start < pending.size(); start += batchSize) {
      List<Pending<T>> chunk = pending.subList(start, Math.min(pending.size(), start + batchSize));
      float[][] vectors;
      try {
        vectors = timed(modality, chunk.size(), () -> encode.apply(chunk));
      } catch (RuntimeException batchFailed) {
        LOG.error(
            "a {} batch of {} failed to encode; encoding its items one by one",
            modality.wireName(),
            chunk.size(),
            batchFailed);
        for (Pending<T> one : chunk) {
          try {
            emit.accept(one, timed(modality, 1, () -> encode.apply(List.of(one)))[0]);
          } catch (RuntimeException e) {
            deadLetter(one.source(), e, out);
          }
        }
        continue;
      }
      for (int i = 0; i < chunk.size(); i++) {
        emit.accept(chunk.get(i), vectors[i]);
      }
    }
  }

  private float[][] timed(Modality modality, int size, Supplier<float[][]> work) {
    long start = System.nanoTime();
    float[][] v = work.get();
    long nanos = System.nanoTime() - start;
    lastEncodeMillis = nanos / 1e6;
    metrics.batch(modality.wireName(), size, nanos);
    return v;
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, Throwable e, EncodedBatch out) {
    ProducerRecord<byte[], byte[]> letter =
        deadLetters.letter(
            r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), e);
    DeadLetter.add(letter.headers(), DeadLetter.MODEL, encoder.modelId());
    out.addDeadLetter(r, letter);
  }

  private static byte[] header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : h.value();
  }
}
