package io.crossmodal.encoder.processor;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What one poll's worth of input became: records to produce, all in one transaction. */
public final class EncodedBatch {
  private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

  public void add(ProducerRecord<byte[], byte[]> record) {
    records.add(record);
  }

  public List<ProducerRecord<byte[], byte[]>> records() {
    return records;
  }
}
