package io.crossmodal.common.topic;

/**
 * Topic names; defaults are the documented contract, each overridable by a {@code topic.*} config
 * key.
 */
public record TopicNames(
    String mediaImages,
    String mediaTexts,
    String embeddings,
    String queries,
    String encodedQueries,
    String shardAnswers,
    String results,
    String encoderDlq,
    String searchDlq,
    String lexicalStats,
    String models) {
  public static TopicNames defaults() {
    return new TopicNames(
        "media.images",
        "media.texts",
        "embeddings",
        "search.queries",
        "search.queries.encoded.internal",
        "search.shard-answers.internal",
        "search.results",
        "encoder.dlq",
        "search.dlq",
        "search.lexical-stats.internal",
        "crossmodal.models");
  }
}
