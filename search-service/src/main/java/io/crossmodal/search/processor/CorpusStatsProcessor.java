package io.crossmodal.search.processor;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.search.lexical.CorpusStats;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code search.lexical-stats.internal} on every search instance (a global store) and
 * keeps {@link CorpusStats}, the sums the lexical scores use, in step with it.
 *
 * <p>A record the statistics refuse is dead-lettered here, through {@code send}: Kafka Streams does
 * not send the dead letters of a global store's processor (it logs them), so the service gives
 * this processor a producer of its own. After the dead letter, {@code send} also writes a
 * tombstone for the record's key, so compaction removes it. The store is persistent: a restart
 * resumes from its checkpoint, and Kafka Streams replays the records after it through this
 * processor, so a refused record is dead-lettered once, again only when a crash came between its
 * dead letter and the next checkpoint (never lost). Every instance reads the whole topic, so each
 * dead-letters what it refuses. {@link #init} rebuilds the sums from the store (accepted records
 * only; one a restore put there without this processor is refused there, with offset -1).
 */
public final class CorpusStatsProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(CorpusStatsProcessor.class);
  public static final String STORE = "lexical-stats";

  private final CorpusStats corpus;
  private final DeadLetters letters;
  private final Consumer<ProducerRecord<byte[], byte[]>> send;
  private final String topic;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;

  /**
   * @param topic the statistics topic (for the tombstones)
   * @param send sends a record now and returns once the broker has it
   */
  public CorpusStatsProcessor(CorpusStats corpus, String topic, DeadLetters letters, Consumer<ProducerRecord<byte[], byte[]>> send) {
    this.corpus = corpus;
    this.topic = topic;
    this.letters = letters;
    this.send = send;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    java.util.List<String> refused = new java.util.ArrayList<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        var kv = all.next();
        try {
          corpus.apply(kv.key, kv.value);
        } catch (RuntimeException e) {
          refused.add(kv.key);
          // Its offset is not known after a restore: -1.
          refuse(kv.key, kv.value, 0, -1, System.currentTimeMillis(), e);
        }
      }
    }
    refused.forEach(store::delete);
    if (!refused.isEmpty()) {
      LOG.warn("lexical statistics: {} restored records that are not statistics were dead-lettered", refused.size());
    }
  }

  private void refuse(String key, byte[] value, int partition, long offset, long timestamp, RuntimeException e) {
    byte[] rawKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    send.accept(letters.letter(topic, partition, offset, timestamp, rawKey, value, e));
    if (rawKey != null) {
      send.accept(new ProducerRecord<>(topic, rawKey, null));
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      corpus.apply(record.key(), record.value());
    } catch (RuntimeException e) {
      if (record.value() == null) {
        return; // a tombstone of a key no shard writes (ours, after a dead letter) removes nothing: no loop, no loss
      }
      RecordMetadata meta = context.recordMetadata().orElseThrow();
      refuse(record.key(), record.value(), meta.partition(), meta.offset(), record.timestamp(), e);
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
