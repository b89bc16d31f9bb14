package io.crossmodal.common.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ShardingTest {

  /**
   * A query by example goes to the shard that holds the example: the partition Kafka's producer
   * chose for the example's embedding (keyed by its id, default partitioner).
   */
  @Test
  void theExampleOwnerIsThePartitionKafkaWroteTheExampleTo() {
    for (int partitions : new int[] {1, 2, 6, 7}) {
      for (int i = 0; i < 500; i++) {
        String id = "item-" + i + (i % 3 == 0 ? "-ü" : "");
        assertEquals(
            BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions),
            Sharding.shardOf(id, partitions),
            id + " of " + partitions);
      }
    }
  }
}
