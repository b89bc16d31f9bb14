package io.crossmodal.search.internal.topology;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Multicast: sends each record to every partition of the sink topic, so every shard sees it. */
final class AllPartitions<K, V> implements StreamPartitioner<K, V> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
    return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
  }
}
