package io.crossmodal.search.internal.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.crossmodal.common.errors.DeadLetter;
import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.search.internal.topology.SearchTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams error path with an exception nobody foresaw: one record lost to the DLQ, never the
 * thread.
 */
class StreamsDeadLetterHandlerTest {
  @TempDir Path stateDir;

  /** Fails on "boom" the way a bug would, passes everything else on. */
  private static final class Fragile implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      if (record.value().equals("boom")) {
        throw new IllegalStateException("a bug nobody anticipated");
      }
      context.forward(record);
    }
  }

  @Test
  void shouldDeadLetterTheRecordAndGoOnWhenAProcessorThrowsSomethingUnexpected() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Topology t = new Topology();
    t.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
    t.addProcessor("fragile", Fragile::new, "in");
    t.addSink("out", "out", new StringSerializer(), new StringSerializer(), "fragile");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "handler-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.putAll(
        SearchTopology.errorHandling(new DeadLetters("search", "search.dlq", 1 << 20, registry)));
    try (TopologyTestDriver driver = new TopologyTestDriver(t, p)) {
      var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      var out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      var dlq =
          driver.createOutputTopic(
              "search.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());

      in.pipeInput("a", "fine");
      in.pipeInput("b", "boom");
      in.pipeInput("c", "fine too");

      assertEquals(
          List.of("fine", "fine too"),
          out.readValuesToList(),
          "the records around the bad one are processed");
      List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
      assertEquals(1, dead.size());
      TestRecord<byte[], byte[]> letter = dead.get(0);
      assertArrayEquals("b".getBytes(StandardCharsets.UTF_8), letter.key(), "the original key");
      assertArrayEquals(
          "boom".getBytes(StandardCharsets.UTF_8), letter.value(), "the original bytes");
      assertEquals(
          "unexpected-error", DeadLetter.header(letter.headers(), DeadLetter.ERROR_REASON));
      assertEquals(
          IllegalStateException.class.getName(),
          DeadLetter.header(letter.headers(), DeadLetter.ERROR_CLASS));
      assertEquals(
          "a bug nobody anticipated",
          DeadLetter.header(letter.headers(), DeadLetter.ERROR_MESSAGE));
      assertEquals("in", DeadLetter.header(letter.headers(), DeadLetter.SOURCE_TOPIC));
      assertEquals("1", DeadLetter.header(letter.headers(), DeadLetter.SOURCE_OFFSET));
      assertEquals("search-service", DeadLetter.header(letter.headers(), DeadLetter.SERVICE));
      assertEquals(
          1.0,
          registry
              .get("crossmodal.dlq.records")
              .tag("reason", "unexpected-error")
              .tag("topic", "in")
              .counter()
              .count());
    }
  }

  @Test
  void shouldLeaveTheValueOutWhenTheDeadLetterWouldNotFitInARecord() {
    DeadLetters letters = new DeadLetters("search", "search.dlq", 4096, new SimpleMeterRegistry());
    var small = letters.letter("t", 0, 5, 1L, null, new byte[100], "r", "E", "m");
    var big = letters.letter("t", 0, 6, 1L, null, new byte[4000], "r", "E", "m");
    assertEquals(100, small.value().length);
    assertNull(DeadLetter.header(small.headers(), DeadLetter.SOURCE_VALUE_BYTES));
    assertNull(big.value());
    assertEquals("4000", DeadLetter.header(big.headers(), DeadLetter.SOURCE_VALUE_BYTES));
  }
}
