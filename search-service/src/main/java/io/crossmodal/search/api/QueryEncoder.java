package io.crossmodal.search.api;

import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.HttpError;

/**
 * Turns a validated query's text or image into a vector for the direct route: over HTTP ({@link
 * EncoderClient}), or by a direct call when the encoder runs in the same JVM.
 */
@FunctionalInterface
public interface QueryEncoder {
  /**
   * @param model the model whose space the query is searched in (the encoder must serve it)
   * @param body the client's query JSON
   * @throws HttpError 400 with the reason when the query cannot be encoded, 503 when no encoder
   *     answers
   */
  QueryVector encode(String model, String body, SearchQuery query)
      throws HttpError, InterruptedException;
}
