package io.crossmodal.search.internal.processor;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.search.lexical.CorpusStats;
import java.nio.charset.StandardCharsets;
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
 * Follows {@code search.lexical-stats.internal} on every search instance (a global store) and keeps
 * {@link CorpusStats}, the sums the lexical scores use, in step with it.
 *
 * <p>A record the statistics refuse is dead-lettered here, through {@link Refusals}: Kafka Streams
 * does not send the dead letters of a global store's processor (it logs them), so the service gives
 * this processor its own ({@code GlobalDeadLetters}: exactly once across instances and restarts,
 * although every instance reads every record and replays records after a crash), with a tombstone
 * for the record's key so compaction removes it. The store is persistent (a restart resumes from
 * its checkpoint); {@link #init} rebuilds the sums from it.
 */
public final class CorpusStatsProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(CorpusStatsProcessor.class);
  public static final String STORE = "lexical-stats";

  private final CorpusStats corpus;
  private final DeadLetters letters;
  private final Refusals refusals;

  /** Writes a refused record's dead letter and tombstone (see {@code GlobalDeadLetters}). */
  public interface Refusals {
    /**
     * @param tombstone null when the record has no key
     */
    void refuse(
        String topic,
        int partition,
        long offset,
        ProducerRecord<byte[], byte[]> deadLetter,
        ProducerRecord<byte[], byte[]> tombstone);
  }

  private final String topic;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;

  /**
   * @param topic the statistics topic (for the tombstones)
   */
  public CorpusStatsProcessor(
      CorpusStats corpus, String topic, DeadLetters letters, Refusals refusals) {
    this.corpus = corpus;
    this.topic = topic;
    this.letters = letters;
    this.refusals = refusals;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    long skipped = 0;
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        var kv = all.next();
        try {
          corpus.apply(kv.key, kv.value);
        } catch (RuntimeException e) {
          skipped++; // not put there by process(), which keeps only accepted records
        }
      }
    }
    if (skipped > 0) {
      LOG.warn(
          "lexical statistics: {} stored records that are not statistics were skipped", skipped);
    }
  }

  private void refuse(
      String key, byte[] value, int partition, long offset, long timestamp, RuntimeException e) {
    byte[] rawKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    refusals.refuse(
        topic,
        partition,
        offset,
        letters.letter(topic, partition, offset, timestamp, rawKey, value, e),
        rawKey == null ? null : new ProducerRecord<>(topic, rawKey, null));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      corpus.apply(record.key(), record.value());
    } catch (RuntimeException e) {
      if (record.value() == null) {
        return; // a tombstone of a key no shard writes (ours, after a dead letter) removes nothing:
        // no loop, no loss
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
