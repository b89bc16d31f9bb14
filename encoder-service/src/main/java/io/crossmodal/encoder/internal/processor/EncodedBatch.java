package io.crossmodal.encoder.internal.processor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one poll's worth of input became: records to produce, all in one transaction, in the order
 * of the inputs they came from. Encoding is batched by modality, so outputs are made out of order
 * (a tombstone at once, the vector of an earlier record after its batch ran); without the reorder,
 * "put X, delete X" in one poll would produce "delete X, put X" and resurrect the item (found by
 * the soak test).
 */
public final class EncodedBatch {
  private record Output(int input, int seq, ProducerRecord<byte[], byte[]> record) {}

  private final Map<ConsumerRecord<byte[], byte[]>, Integer> inputOrder = new IdentityHashMap<>();
  private final List<Output> outputs = new ArrayList<>();
  private boolean deadLetters;

  public EncodedBatch(List<ConsumerRecord<byte[], byte[]>> inputs) {
    for (int i = 0; i < inputs.size(); i++) {
      inputOrder.put(inputs.get(i), i);
    }
  }

  /** An output of {@code source}, one of the inputs this batch was made for. */
  public void add(ConsumerRecord<byte[], byte[]> source, ProducerRecord<byte[], byte[]> record) {
    Integer input = inputOrder.get(source);
    if (input == null) {
      throw new IllegalArgumentException("output for a record that is not an input of this batch");
    }
    outputs.add(new Output(input, outputs.size(), record));
  }

  /**
   * A dead letter: a side effect that must not repeat, so the batch must commit in a transaction.
   */
  public void addDeadLetter(
      ConsumerRecord<byte[], byte[]> source, ProducerRecord<byte[], byte[]> record) {
    add(source, record);
    deadLetters = true;
  }

  public boolean hasDeadLetters() {
    return deadLetters;
  }

  /** The outputs, ordered by their input (and in the order made within one input). */
  public List<ProducerRecord<byte[], byte[]>> records() {
    return outputs.stream()
        .sorted(Comparator.comparingInt(Output::input).thenComparingInt(Output::seq))
        .map(Output::record)
        .toList();
  }
}
