/**
 * The query path that both routes share, scatter to gather: which shard holds an item ({@link
 * io.crossmodal.common.query.Sharding}), a shard's best k ({@link
 * io.crossmodal.common.query.TopKCollector}, the one heap), the one order of everything ranked
 * ({@link io.crossmodal.common.query.Ranked}), what each part of a scatter answers ({@link
 * io.crossmodal.common.query.ShardLists}) and how the parts become one answer ({@link
 * io.crossmodal.common.query.Gather}, {@link io.crossmodal.common.query.Fusion}). The routes' own
 * drivers use it: the encoder's {@code QueryFanOut} and the search service's {@code
 * ShardProcessor}, {@code ResultMerge} (topic route), {@code DirectSearch} and {@code
 * InstanceSearch} (direct route). It depends on nothing else of the project, so the topic contracts
 * ({@code event}) can carry its hits and modes.
 */
package io.crossmodal.common.query;
