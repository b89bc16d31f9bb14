package io.crossmodal.encoder.internal.http;

import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.InvalidQueryException;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.Json;
import io.crossmodal.encoder.api.QueryEncoding;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/encode}: a query's {@code text} or {@code image} (base64) in the search query's
 * JSON shape → its unit vector, model id and encode time ({@link QueryVector}). What the search
 * service's direct route calls, one query at a time, next to the Kafka loops, naming the model
 * whose space it searches ({@code ?model=<id>}; without it, the active model): 503 when that model
 * does not run on this encoder. Refused with 400 and a reason (and counted): invalid JSON, a {@code
 * mediaId} (nothing to encode), text over {@code encoder.text.max.chars}, an image that does not
 * decode within the limits; 413 (counted as {@code too-large}) for a body over the image limit.
 */
public final class EncodeApi {
  private final QueryEncoding encoding;
  private final QueryParser parser;
  private final int maxBodyBytes;
  private final Authenticator auth;

  /**
   * @param auth the read right (or the services' internal token) when auth is on
   */
  public EncodeApi(
      QueryEncoding encoding, QueryParser parser, int maxImageBytes, Authenticator auth) {
    this.auth = auth;
    this.encoding = encoding;
    this.parser = parser;
    this.maxBodyBytes =
        maxImageBytes / 3 * 4 + (64 << 10); // base64 of the largest image plus the JSON around it
  }

  public void register(HttpService http) {
    http.route("/v1/encode", this::encode);
  }

  private void encode(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    auth.require(ex, Authenticator.Right.READ);
    try {
      SearchQuery query;
      try {
        query =
            parser.parse(new String(HttpService.body(ex, maxBodyBytes), StandardCharsets.UTF_8));
      } catch (InvalidQueryException e) {
        throw encoding.refuse("invalid-query", e.getMessage());
      } catch (HttpError e) {
        encoding.refuse("too-large", e.getMessage());
        throw e;
      }
      HttpService.sendJson(
          ex, 200, Json.write(encoding.encode(HttpService.queryParam(ex, "model"), query)));
    } catch (QueryEncoding.Refused e) {
      throw new HttpError(e.unavailable() ? 503 : 400, e.getMessage());
    }
  }
}
