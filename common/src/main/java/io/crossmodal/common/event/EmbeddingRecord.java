package io.crossmodal.common.event;

import java.util.Objects;

/**
 * The value of an {@code embeddings} record: one L2-normalised vector of one media item.
 *
 * @param modality what the vector encodes
 * @param modelId id of the model that made it; the search service refuses other models' vectors
 * @param vector unit-length float32 values; its length is the dimension
 * @param source the producer-supplied {@code source} header of the media record, or empty
 * @param metadata JSON object text carried from the media record (caption, tags, url …), or {@code
 *     {}}
 * @param createdAtMillis when the media record was written (its Kafka timestamp), for freshness
 */
public record EmbeddingRecord(
    Modality modality,
    String modelId,
    float[] vector,
    String source,
    String metadata,
    long createdAtMillis) {
  public EmbeddingRecord {
    Objects.requireNonNull(modality, "modality");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(vector, "vector");
    source = source == null ? "" : source;
    metadata = metadata == null || metadata.isBlank() ? "{}" : metadata;
  }

  public int dimension() {
    return vector.length;
  }
}
