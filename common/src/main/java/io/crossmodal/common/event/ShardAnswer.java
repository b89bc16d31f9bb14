package io.crossmodal.common.event;

import java.util.List;

/** One shard's exact local top-k for a query, best first (internal topic, JSON). */
public record ShardAnswer(String queryId, int partition, int partitions, int k, String modelId, List<Hit> hits,
    String error, long receivedAtMillis, double encodeMillis, double searchMillis) {}
