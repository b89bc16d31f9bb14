package io.crossmodal.encoder.api;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.encoder.internal.metrics.EncoderMetrics;
import io.crossmodal.model.joint.Towers;
import java.util.List;
import java.util.function.Function;

/**
 * One validated query's text or image → its vector, for callers that wait for it (the encoder's
 * {@code POST /v1/encode}, or the search service in the same JVM). Refusals carry a reason and are
 * counted ({@code crossmodal_http_rejected_total}). Thread safe.
 */
public final class QueryEncoding {
  private final Function<String, Towers> models;
  private final MediaValidator validator;
  private final EncoderMetrics metrics;

  /** A query that cannot be encoded, with the metric reason and a message for the caller. */
  public static final class Refused extends Exception {
    private final String reason;
    private final boolean unavailable;

    Refused(String reason, String message, boolean unavailable) {
      super(message);
      this.reason = reason;
      this.unavailable = unavailable;
    }

    public String reason() {
      return reason;
    }

    /**
     * The encoder cannot encode it now (the model does not run here): a 503, not the client's
     * error.
     */
    public boolean unavailable() {
      return unavailable;
    }
  }

  /**
   * @param models the towers of a model id (null: that model does not run here), best with an image
   *     tower of their own ({@link Towers#withOwnImageTower})
   * @param validator decodes query images with the media limits (query texts were checked by the
   *     {@code QueryParser})
   */
  public QueryEncoding(
      Function<String, Towers> models, MediaValidator validator, EncoderMetrics metrics) {
    this.models = models;
    this.validator = validator;
    this.metrics = metrics;
  }

  /**
   * Encodes into the space of {@code modelId} (one the search service names, so a query never meets
   * another model's vectors).
   */
  public QueryVector encode(String modelId, SearchQuery query) throws Refused {
    Towers encoder = models.apply(modelId);
    if (encoder == null) {
      metrics.rejected("model-unavailable");
      throw new Refused(
          "model-unavailable",
          "model " + modelId + " does not run on this encoder (not deployed, or still loading)",
          true);
    }
    long start = System.nanoTime();
    float[] vector;
    if (query.text() != null) {
      vector = encoder.encodeTexts(List.of(query.text()))[0];
    } else if (query.image() != null) {
      try {
        vector = encoder.encodeImages(List.of(validator.image(query.image())))[0];
      } catch (RejectedRecordException e) {
        throw refuse(e.reason(), e.getMessage());
      }
    } else {
      throw refuse(
          "invalid-query",
          "a mediaId query needs no encoding: the search service looks up the stored vector");
    }
    long nanos = System.nanoTime() - start;
    metrics.batch((query.text() != null ? Modality.TEXT : Modality.IMAGE).wireName(), 1, nanos);
    return new QueryVector(encoder.modelId(), vector.length, vector, nanos / 1e6);
  }

  /** Counts a refusal made before encoding (e.g. unparsable JSON at the HTTP boundary). */
  public Refused refuse(String reason, String message) {
    metrics.rejected(reason);
    return new Refused(reason, message, false);
  }
}
