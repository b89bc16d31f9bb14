package io.crossmodal.encoder.processor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.event.DeadLetter;
import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.EncodedQuery;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.event.Tags;
import io.crossmodal.common.serde.EmbeddingSerde;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.encoder.metrics.EncoderMetrics;
import io.crossmodal.model.image.ImageDecoder;
import io.crossmodal.model.image.InvalidImageException;
import io.crossmodal.model.image.Thumbnails;
import io.crossmodal.model.joint.JointEncoder;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * Turns one poll of media and query records into output records: vectors for {@code embeddings},
 * fanned-out encoded queries, and dead letters. Inputs are validated at this boundary (decodable
 * image within limits, valid non-blank UTF-8 text within limits, JSON metadata, valid query); the
 * valid ones are encoded in batches of at most {@code batchSize}. Nothing is dropped: every input
 * yields a vector, a tombstone, an encoded query, or a dead letter (and, for a bad query, an error
 * result so the client's wait ends).
 *
 * <p>Not thread safe; one per consumer thread.
 */
public final class MediaEncoder {
  private static final String SERVICE = "encoder-service";
  /** Metadata key of the image preview the search service serves at {@code /v1/media/{id}/image}. */
  public static final String THUMBNAIL = "thumbnail";
  private static final int THUMBNAIL_SIDE = 128;

  private final Topics topics;
  private final JointEncoder encoder;
  private final ImageDecoder decoder;
  private final QueryParser queryParser;
  private final int batchSize;
  private final int maxTextChars;
  private final EncoderMetrics metrics;
  private final EmbeddingSerde serde = new EmbeddingSerde();
  /** Encode time of the latest batch, reported in each query's result timings. */
  private double lastEncodeMillis;

  public MediaEncoder(Topics topics, JointEncoder encoder, ImageDecoder decoder, QueryParser queryParser, int batchSize,
      int maxTextChars, EncoderMetrics metrics) {
    this.topics = topics;
    this.encoder = encoder;
    this.decoder = decoder;
    this.queryParser = queryParser;
    this.batchSize = batchSize;
    this.maxTextChars = maxTextChars;
    this.metrics = metrics;
  }

  /** An input that passed validation, waiting for its batch. */
  private record Pending<T>(ConsumerRecord<byte[], byte[]> source, T input, String metadata) {}

  /** An image query whose image decoded. */
  private record ImageQuery(SearchQuery query, BufferedImage image) {}

  /** @param queryPartitions partitions of the encoded-queries topic (= search shards) */
  public EncodedBatch encode(List<ConsumerRecord<byte[], byte[]>> records, int queryPartitions) {
    EncodedBatch out = new EncodedBatch(records);
    List<Pending<BufferedImage>> images = new ArrayList<>();
    List<Pending<String>> texts = new ArrayList<>();
    List<Pending<SearchQuery>> textQueries = new ArrayList<>();
    List<Pending<SearchQuery>> imageQueries = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      metrics.recordIn(r.topic());
      if (r.topic().equals(topics.queries.name())) {
        acceptQuery(r, textQueries, imageQueries, out, queryPartitions);
      } else if (r.key() == null) {
        deadLetter(r, "missing-key", "IllegalArgumentException", "media record without a media id key", out);
      } else if (r.value() == null) {
        out.add(r, new ProducerRecord<>(topics.embeddings.name(), r.key(), null));
        metrics.recordOut(topics.embeddings.name());
      } else if (r.topic().equals(topics.mediaImages.name())) {
        acceptImage(r, images, out);
      } else {
        acceptText(r, texts, out);
      }
    }
    inBatches(images, Modality.IMAGE, p -> encoder.encodeImages(p.stream().map(Pending::input).toList()),
        (p, v) -> embedding(p, Modality.IMAGE, v, out));
    inBatches(texts, Modality.TEXT, p -> encoder.encodeTexts(p.stream().map(Pending::input).toList()),
        (p, v) -> embedding(p, Modality.TEXT, v, out));
    inBatches(textQueries, Modality.TEXT, p -> encoder.encodeTexts(p.stream().map(q -> q.input().text()).toList()),
        (p, v) -> fanOut(p.source(), p.input(), v, out, queryPartitions));
    List<Pending<ImageQuery>> decodedQueries = new ArrayList<>();
    for (Pending<SearchQuery> q : imageQueries) {
      try {
        decodedQueries.add(new Pending<>(q.source(), new ImageQuery(q.input(), decoder.decode(q.input().image())), null));
      } catch (InvalidImageException e) {
        rejectQuery(q.source(), "invalid-image", e.getMessage(), out);
      }
    }
    inBatches(decodedQueries, Modality.IMAGE, p -> encoder.encodeImages(p.stream().map(q -> q.input().image()).toList()),
        (p, v) -> fanOut(p.source(), p.input().query(), v, out, queryPartitions));
    return out;
  }

  private void acceptImage(ConsumerRecord<byte[], byte[]> r, List<Pending<BufferedImage>> images, EncodedBatch out) {
    ObjectNode metadata = metadata(r, out);
    if (metadata == null) {
      return;
    }
    try {
      BufferedImage image = decoder.decode(r.value());
      metadata.put(THUMBNAIL, java.util.Base64.getEncoder().encodeToString(Thumbnails.png(image, THUMBNAIL_SIDE)));
      images.add(new Pending<>(r, image, Json.write(metadata)));
    } catch (InvalidImageException e) {
      deadLetter(r, "invalid-image", InvalidImageException.class.getName(), e.getMessage(), out);
    }
  }

  private void acceptText(ConsumerRecord<byte[], byte[]> r, List<Pending<String>> texts, EncodedBatch out) {
    ObjectNode metadata = metadata(r, out);
    if (metadata == null) {
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(r.value())).toString();
    } catch (CharacterCodingException e) {
      deadLetter(r, "invalid-utf8", e.getClass().getName(), "text is not valid UTF-8", out);
      return;
    }
    if (text.isBlank()) {
      deadLetter(r, "empty-text", "IllegalArgumentException", "text is empty or whitespace only", out);
    } else if (text.length() > maxTextChars) {
      deadLetter(r, "text-too-long", "IllegalArgumentException",
          "text of " + text.length() + " chars exceeds the limit of " + maxTextChars, out);
    } else {
      if (!metadata.has("text")) {
        metadata.put("text", text.length() > 500 ? text.substring(0, 500) : text);
      }
      texts.add(new Pending<>(r, text, Json.write(metadata)));
    }
  }

  /** The record's {@code metadata} header as a JSON object; dead-letters and returns null when invalid. */
  private ObjectNode metadata(ConsumerRecord<byte[], byte[]> r, EncodedBatch out) {
    Header h = r.headers().lastHeader("metadata");
    if (h == null || h.value() == null) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      var node = Json.MAPPER.readTree(h.value());
      if (node != null && node.isObject()) {
        String problem = node.has(Tags.FIELD) ? Tags.problem(node.get(Tags.FIELD)) : null;
        if (problem == null) {
          return (ObjectNode) node;
        }
        deadLetter(r, "invalid-metadata", "IllegalArgumentException", "metadata " + problem, out);
        return null;
      }
    } catch (Exception ignored) {
      // reported below
    }
    deadLetter(r, "invalid-metadata", "IllegalArgumentException", "metadata header is not a JSON object", out);
    return null;
  }

  private void acceptQuery(ConsumerRecord<byte[], byte[]> r, List<Pending<SearchQuery>> textQueries,
      List<Pending<SearchQuery>> imageQueries, EncodedBatch out, int partitions) {
    if (r.key() == null) {
      deadLetter(r, "missing-key", "IllegalArgumentException", "query record without a query id key", out);
      return;
    }
    SearchQuery q;
    try {
      q = queryParser.parse(r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    } catch (InvalidQueryException e) {
      rejectQuery(r, "invalid-query", e.getMessage(), out);
      return;
    }
    if (q.text() != null) {
      textQueries.add(new Pending<>(r, q, null));
    } else if (q.image() != null) {
      imageQueries.add(new Pending<>(r, q, null));
    } else {
      // Query by example: only the shard holding the item has its vector; it re-fans the query out.
      int owner = Utils.toPositive(Utils.murmur2(q.mediaId().getBytes(StandardCharsets.UTF_8))) % partitions;
      EncodedQuery eq = new EncodedQuery(key(r), encoder.modelId(), null, q.mediaId(), q.k(), q.target().wireName(), q.source(),
          q.tags(), owner, partitions, r.timestamp(), 0);
      out.add(r, new ProducerRecord<>(topics.encodedQueries.name(), owner, r.key(), Json.write(eq).getBytes(StandardCharsets.UTF_8)));
      metrics.recordOut(topics.encodedQueries.name());
    }
  }

  private void rejectQuery(ConsumerRecord<byte[], byte[]> r, String reason, String message, EncodedBatch out) {
    deadLetter(r, reason, InvalidQueryException.class.getName(), message, out);
    // The error travels as a one-shard answer, so the merge step emits it as the query's only result.
    ShardAnswer error = new ShardAnswer(key(r), 0, 1, 0, encoder.modelId(), List.of(), message, r.timestamp(), 0, 0);
    out.add(r, new ProducerRecord<>(topics.shardAnswers.name(), r.key(), Json.write(error).getBytes(StandardCharsets.UTF_8)));
    metrics.recordOut(topics.shardAnswers.name());
  }

  private void fanOut(ConsumerRecord<byte[], byte[]> source, SearchQuery q, float[] vector, EncodedBatch out, int partitions) {
    for (int partition = 0; partition < partitions; partition++) {
      EncodedQuery eq = new EncodedQuery(key(source), encoder.modelId(), vector, null, q.k(), q.target().wireName(), q.source(),
          q.tags(), partition, partitions, source.timestamp(), lastEncodeMillis);
      out.add(source, new ProducerRecord<>(topics.encodedQueries.name(), partition, source.key(),
          Json.write(eq).getBytes(StandardCharsets.UTF_8)));
    }
    metrics.recordOut(topics.encodedQueries.name());
  }

  private void embedding(Pending<?> p, Modality modality, float[] vector, EncodedBatch out) {
    ConsumerRecord<byte[], byte[]> r = p.source();
    Header source = r.headers().lastHeader("source");
    EmbeddingRecord e = new EmbeddingRecord(modality, encoder.modelId(), vector,
        source == null ? "" : new String(source.value(), StandardCharsets.UTF_8), p.metadata(), r.timestamp());
    out.add(r, new ProducerRecord<>(topics.embeddings.name(), r.key(), serde.serialize(topics.embeddings.name(), e)));
    metrics.recordOut(topics.embeddings.name());
  }

  private <T> void inBatches(List<Pending<T>> pending, Modality modality, Function<List<Pending<T>>, float[][]> encode,
      java.util.function.BiConsumer<Pending<T>, float[]> emit) {
    for (int start = 0; start < pending.size(); start += batchSize) {
      List<Pending<T>> chunk = pending.subList(start, Math.min(pending.size(), start + batchSize));
      float[][] vectors = timed(modality, chunk.size(), () -> encode.apply(chunk));
      for (int i = 0; i < chunk.size(); i++) {
        emit.accept(chunk.get(i), vectors[i]);
      }
    }
  }

  private float[][] timed(Modality modality, int size, java.util.function.Supplier<float[][]> work) {
    long start = System.nanoTime();
    float[][] v = work.get();
    long nanos = System.nanoTime() - start;
    lastEncodeMillis = nanos / 1e6;
    metrics.batch(modality.wireName(), size, nanos);
    return v;
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String error, String message, EncodedBatch out) {
    String dlq = topics.encoderDlq.name();
    out.addDeadLetter(r, new ProducerRecord<>(dlq, null, r.timestamp(), r.key(), r.value(),
        DeadLetter.headers(reason, error, message, r.topic(), r.partition(), r.offset(), SERVICE)));
    metrics.deadLetter(r.topic(), reason);
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }
}
