package io.crossmodal.common.models;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.topic.TopicNames;
import io.crossmodal.common.topic.Topics;

/**
 * One embedding space per model: the names of what belongs to a model's space alone, so two models'
 * vectors, queries, answers and search state never meet. Media, client queries, results and dead
 * letters stay shared.
 */
public final class ModelSpace {
  private ModelSpace() {}

  /**
   * The base names with the embeddings and the search-internal topics of {@code modelId}'s space
   * ({@code embeddings.<id>}, …).
   */
  public static TopicNames topics(TopicNames base, String modelId) {
    return new TopicNames(
        base.mediaImages(),
        base.mediaTexts(),
        base.embeddings() + "." + modelId,
        base.queries(),
        base.encodedQueries() + "." + modelId,
        base.shardAnswers() + "." + modelId,
        base.results(),
        base.encoderDlq(),
        base.searchDlq(),
        base.lexicalStats() + "." + modelId,
        base.models());
  }

  /** The typed topics of the model's space (shared topics included) under the configured names. */
  public static Topics of(Config config, String modelId) {
    return new Topics(topics(config.topicNames(), modelId));
  }

  /**
   * The Kafka Streams application (and so the state, its changelogs and its group) of the model's
   * search index.
   */
  public static String searchApplicationId(String base, String modelId) {
    return base + "." + modelId;
  }

  /**
   * The consumer group in which the model's encoders read the media topics (from the beginning when
   * new: the replay).
   */
  public static String encoderGroup(String base, String modelId) {
    return base + "." + modelId;
  }
}
