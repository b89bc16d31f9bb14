package io.crossmodal.search.internal.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the shards' answers for each query id and emits one merged, ranked result: as soon as
 * every shard answered, or after the merge timeout with {@code shardsAnswered < shardsTotal}.
 * Pending answers live in a changelogged store, so a crash between answers loses nothing. After the
 * result, the query id stays marked done for {@link #DONE_RETENTION_MS} (at least), so a replayed
 * query (the query path is at-least-once) or a shard answering after the timeout never makes a
 * second result: one result per query id. Answers are validated ({@link ShardAnswer#read}); a bad
 * one is rejected to the dead-letter path and never reaches the store.
 */
public final class AnswerMerger implements Processor<String, byte[], String, String> {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerMerger.class);
  public static final String STORE = "pending-answers";
  static final long DONE_RETENTION_MS = 10 * 60_000;

  private final long timeoutMillis;
  private final int kMax;
  private final SearchMetrics metrics;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> pending;

  /**
   * In-memory views of the store, rebuilt in {@link #init}, so the punctuator touches only what is
   * due instead of parsing every stored entry (thousands of done markers at high query rates, every
   * quarter timeout, on the stream thread that also serves the shards).
   */
  private final Map<String, Long> openSince =
      new HashMap<>(); // query id → when its partial answer is due

  private final ArrayDeque<Map.Entry<Long, String>> doneOrder = new ArrayDeque<>();

  /**
   * @param kMax largest {@code k} of a valid answer (the public query limit)
   */
  public AnswerMerger(long timeoutMillis, int kMax, SearchMetrics metrics) {
    this.timeoutMillis = timeoutMillis;
    this.kMax = kMax;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.pending = context.getStateStore(STORE);
    openSince.clear();
    doneOrder.clear();
    List<Map.Entry<Long, String>> done = new ArrayList<>();
    try (KeyValueIterator<String, String> all = pending.all()) {
      all.forEachRemaining(
          kv -> {
            var state = Json.object(kv.value);
            if (state.has("doneAtMillis")) {
              done.add(Map.entry(state.get("doneAtMillis").asLong(), kv.key));
            } else {
              openSince.put(kv.key, deadlineOf(state));
            }
          });
    }
    done.sort(Map.Entry.comparingByKey());
    doneOrder.addAll(done);
    context.schedule(
        Duration.ofMillis(Math.max(50, timeoutMillis / 4)),
        PunctuationType.WALL_CLOCK_TIME,
        this::expire);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    ShardAnswer answer = ShardAnswer.read(record.key(), record.value(), kMax);
    String json = pending.get(record.key());
    ObjectNode state = json == null ? newState(answer) : (ObjectNode) Json.object(json);
    if (state.has("doneAtMillis")) {
      return; // already answered
    }
    if (state.get("shardsTotal").asInt() != answer.partitions()) {
      throw new RejectedRecordException(
          "invalid-shard-answer",
          "answer counts "
              + answer.partitions()
              + " shards, the query's first answer "
              + state.get("shardsTotal").asInt());
    }
    ArrayNode answers = (ArrayNode) state.get("answers");
    for (var a : answers) {
      if (a.get("partition").asInt() == answer.partition()) {
        return; // a replayed duplicate of an answer already counted
      }
    }
    answers.add(Json.MAPPER.valueToTree(answer));
    if (answer.waitMillis() > state.path("waitMillis").asLong(0)) {
      state.put("waitMillis", answer.waitMillis());
    }
    if (answers.size() >= answer.partitions()) {
      emit(record.key(), state);
    } else {
      pending.put(record.key(), Json.write(state));
      openSince.put(record.key(), deadlineOf(state));
    }
  }

  /**
   * When a query's partial answer is due: the merge timeout after its first answer, or longer if a
   * shard may hold it back.
   */
  private long deadlineOf(JsonNode state) {
    return state.path("firstSeenMillis").asLong(context.currentSystemTimeMs())
        + Math.max(timeoutMillis, state.path("waitMillis").asLong(0));
  }

  private ObjectNode newState(ShardAnswer first) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put(
        "firstSeenMillis",
        context.currentSystemTimeMs()); // the clock the expiry punctuation runs on
    s.put("shardsTotal", first.partitions());
    s.putArray("answers");
    return s;
  }

  private void expire(long now) {
    List<String> expired = new ArrayList<>();
    openSince.forEach(
        (id, deadline) -> {
          if (now >= deadline) {
            expired.add(id);
          }
        });
    for (String id : expired) {
      String json = pending.get(id);
      try {
        if (json != null) {
          emit(id, (ObjectNode) Json.object(json));
        }
      } catch (RuntimeException e) {
        // One unreadable entry must not block every later expiry: drop it (its answers were valid
        // when stored, so this is a bug worth the log line) and go on.
        LOG.error("cannot merge the stored answers of query {}; dropping them", id, e);
        pending.delete(id);
        openSince.remove(id);
      }
    }
    long retention = Math.max(DONE_RETENTION_MS, 10 * timeoutMillis);
    while (!doneOrder.isEmpty() && now - doneOrder.peekFirst().getKey() >= retention) {
      pending.delete(doneOrder.pollFirst().getValue());
    }
  }

  private void emit(String queryId, ObjectNode state) {
    List<ShardAnswer> answers = new ArrayList<>();
    state.get("answers").forEach(a -> answers.add(Json.MAPPER.convertValue(a, ShardAnswer.class)));
    int total = state.get("shardsTotal").asInt();
    SearchResult result = ResultMerge.merge(queryId, answers, total, System.currentTimeMillis());
    long doneAt = context.currentSystemTimeMs();
    pending.put(queryId, Json.MAPPER.createObjectNode().put("doneAtMillis", doneAt).toString());
    openSince.remove(queryId);
    doneOrder.addLast(Map.entry(doneAt, queryId));
    context.forward(new Record<>(queryId, Json.write(result), System.currentTimeMillis()));
    metrics.recordOut("results");
    metrics.queryAnswered("topics", (long) result.timings().total(), answers.size() == total);
  }
}
