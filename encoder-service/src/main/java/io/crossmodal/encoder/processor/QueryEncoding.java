package io.crossmodal.encoder.processor;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.encoder.metrics.EncoderMetrics;
import io.crossmodal.model.image.ImageDecoder;
import io.crossmodal.model.image.InvalidImageException;
import io.crossmodal.model.joint.JointEncoder;
import java.util.List;

/**
 * One validated query's text or image → its vector, for callers that wait for it (the encoder's
 * {@code POST /v1/encode}, or the search service in the same JVM). Refusals carry a reason and are
 * counted ({@code crossmodal_http_rejected_total}). Thread safe.
 */
public final class QueryEncoding {
  private final JointEncoder encoder;
  private final ImageDecoder decoder;
  private final int maxTextChars;
  private final EncoderMetrics metrics;

  /** A query that cannot be encoded, with the metric reason and a message for the caller. */
  public static final class Refused extends Exception {
    private final String reason;

    Refused(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** @param encoder best one with an image tower of its own ({@link JointEncoder#withOwnImageTower}) */
  public QueryEncoding(JointEncoder encoder, ImageDecoder decoder, int maxTextChars, EncoderMetrics metrics) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.maxTextChars = maxTextChars;
    this.metrics = metrics;
  }

  public QueryVector encode(SearchQuery query) throws Refused {
    long start = System.nanoTime();
    float[] vector;
    if (query.text() != null) {
      if (query.text().length() > maxTextChars) {
        throw refuse("text-too-long", "text of " + query.text().length() + " chars exceeds the limit of " + maxTextChars);
      }
      vector = encoder.encodeTexts(List.of(query.text()))[0];
    } else if (query.image() != null) {
      try {
        vector = encoder.encodeImages(List.of(decoder.decode(query.image())))[0];
      } catch (InvalidImageException e) {
        throw refuse("invalid-image", e.getMessage());
      }
    } else {
      throw refuse("invalid-query", "a mediaId query needs no encoding: the search service looks up the stored vector");
    }
    long nanos = System.nanoTime() - start;
    metrics.batch((query.text() != null ? Modality.TEXT : Modality.IMAGE).wireName(), 1, nanos);
    return new QueryVector(encoder.modelId(), vector.length, vector, nanos / 1e6);
  }

  /** Counts a refusal made before encoding (e.g. unparsable JSON at the HTTP boundary). */
  public Refused refuse(String reason, String message) {
    metrics.rejected(reason);
    return new Refused(reason, message);
  }
}
