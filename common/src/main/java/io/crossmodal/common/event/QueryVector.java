package io.crossmodal.common.event;

/**
 * A query's text or image turned into a vector by the encoder's {@code POST /v1/encode} (JSON), for
 * the search service's direct HTTP path.
 *
 * @param model id of the model that encoded it; the search service refuses other models
 * @param encodeMillis time the encoder spent on it
 */
public record QueryVector(String model, int dimension, float[] vector, double encodeMillis) {}
