package io.crossmodal.common.event;

/**
 * A query after encoding, as the search shards receive it (JSON on the internal encoded-queries
 * topic). Either {@code vector} is set, or {@code mediaId} names an indexed item whose vector the
 * shard holding it uses (query by example).
 *
 * @param queryId the client's query id (the result's key)
 * @param modelId model that encoded {@code vector}; shards refuse other models
 * @param vector unit-length query vector, or null for query by example
 * @param mediaId item to use as the example, or null
 * @param tags tag condition, or null
 * @param partition the shard this copy is addressed to
 * @param partitions shard count when the query was fanned out
 * @param receivedAtMillis when the query record was written (its Kafka timestamp)
 * @param encodeMillis time the encoder spent on it
 */
public record EncodedQuery(String queryId, String modelId, float[] vector, String mediaId, int k, String target,
    String source, TagFilter tags, int partition, int partitions, long receivedAtMillis, double encodeMillis) {}
