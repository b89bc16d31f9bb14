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
 * <p>A record the statistics refuse is dead-lettered here, through {@code deadLetters}: Kafka
 * Streams does not send the dead letters of a global store's processor (it logs them), so the
 * service gives this processor a producer of its own. The store holds only accepted records; at
 * start Kafka Streams restores it from the topic as it is, so {@link #init} skips what a refused
 * record left there.
 */
public final class CorpusStatsProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(CorpusStatsProcessor.class);
  public static final String STORE = "lexical-stats";

  private final CorpusStats corpus;
  private final DeadLetters letters;
  private final Consumer<ProducerRecord<byte[], byte[]>> deadLetters;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;

  public CorpusStatsProcessor(CorpusStats corpus, DeadLetters letters, Consumer<ProducerRecord<byte[], byte[]>> deadLetters) {
    this.corpus = corpus;
    this.letters = letters;
    this.deadLetters = deadLetters;
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
          skipped++; // dead-lettered when it was first read
        }
      }
    }
    if (skipped > 0) {
      LOG.warn("lexical statistics: {} restored records that are not statistics were skipped", skipped);
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    try {
      corpus.apply(record.key(), record.value());
    } catch (RuntimeException e) {
      RecordMetadata meta = context.recordMetadata().orElseThrow();
      byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
      deadLetters.accept(letters.letter(meta.topic(), meta.partition(), meta.offset(), record.timestamp(), key, record.value(), e));
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
