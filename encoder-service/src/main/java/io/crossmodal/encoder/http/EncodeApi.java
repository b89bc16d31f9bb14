package io.crossmodal.encoder.http;

import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.Json;
import io.crossmodal.encoder.metrics.EncoderMetrics;
import io.crossmodal.model.image.ImageDecoder;
import io.crossmodal.model.image.InvalidImageException;
import io.crossmodal.model.joint.JointEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /v1/encode}: a query's {@code text} or {@code image} (base64) in the search query's
 * JSON shape → its unit vector, model id and encode time ({@link QueryVector}). What the search
 * service's direct route calls, one query at a time, next to the Kafka loops. Refused with 400 and
 * a reason (and counted): invalid JSON, a {@code mediaId} (nothing to encode), text over
 * {@code encoder.text.max.chars}, an image that does not decode within the limits.
 */
public final class EncodeApi {
  private final JointEncoder encoder;
  private final ImageDecoder decoder;
  private final QueryParser parser;
  private final int maxTextChars;
  private final int maxBodyBytes;
  private final EncoderMetrics metrics;

  public EncodeApi(JointEncoder encoder, ImageDecoder decoder, QueryParser parser, int maxTextChars, int maxImageBytes,
      EncoderMetrics metrics) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.parser = parser;
    this.maxTextChars = maxTextChars;
    this.maxBodyBytes = maxImageBytes / 3 * 4 + (64 << 10); // base64 of the largest image plus the JSON around it
    this.metrics = metrics;
  }

  public void register(HttpService http) {
    http.route("/v1/encode", this::encode);
  }

  private void encode(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    SearchQuery query;
    try {
      query = parser.parse(new String(HttpService.body(ex, maxBodyBytes), StandardCharsets.UTF_8));
    } catch (InvalidQueryException e) {
      throw reject("invalid-query", e.getMessage());
    } catch (HttpError e) {
      metrics.rejected("too-large");
      throw e;
    }
    long start = System.nanoTime();
    float[] vector;
    if (query.text() != null) {
      if (query.text().length() > maxTextChars) {
        throw reject("text-too-long", "text of " + query.text().length() + " chars exceeds the limit of " + maxTextChars);
      }
      vector = encoder.encodeTexts(List.of(query.text()))[0];
    } else if (query.image() != null) {
      try {
        vector = encoder.encodeImages(List.of(decoder.decode(query.image())))[0];
      } catch (InvalidImageException e) {
        throw reject("invalid-image", e.getMessage());
      }
    } else {
      throw reject("invalid-query", "a mediaId query needs no encoding: the search service looks up the stored vector");
    }
    long nanos = System.nanoTime() - start;
    metrics.batch((query.text() != null ? Modality.TEXT : Modality.IMAGE).wireName(), 1, nanos);
    HttpService.sendJson(ex, 200, Json.write(new QueryVector(encoder.modelId(), vector.length, vector, nanos / 1e6)));
  }

  private HttpError reject(String reason, String message) {
    metrics.rejected(reason);
    return new HttpError(400, message);
  }
}
