package io.crossmodal.search.processor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.event.Hit;
import io.crossmodal.common.event.SearchResult;
import io.crossmodal.common.event.ShardAnswer;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.metrics.SearchMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Gathers the shards' answers for each query id and emits one merged, ranked result: as soon as
 * every shard answered, or after the merge timeout with {@code shardsAnswered < shardsTotal}.
 * Pending answers live in a changelogged store, so a crash between answers loses nothing.
 */
public final class AnswerMerger implements Processor<String, String, String, String> {
  public static final String STORE = "pending-answers";
  private static final Comparator<Hit> BEST_FIRST = Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(Hit::id);

  private final long timeoutMillis;
  private final SearchMetrics metrics;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> pending;

  public AnswerMerger(long timeoutMillis, SearchMetrics metrics) {
    this.timeoutMillis = timeoutMillis;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.pending = context.getStateStore(STORE);
    context.schedule(Duration.ofMillis(Math.max(50, timeoutMillis / 4)), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, String> record) {
    ShardAnswer answer = Json.read(record.value(), ShardAnswer.class);
    String json = pending.get(record.key());
    ObjectNode state = json == null ? newState(answer) : (ObjectNode) Json.object(json);
    ArrayNode answers = (ArrayNode) state.get("answers");
    for (var a : answers) {
      if (a.get("partition").asInt() == answer.partition()) {
        return; // a replayed duplicate of an answer already counted
      }
    }
    answers.add(Json.MAPPER.valueToTree(answer));
    if (answers.size() >= answer.partitions()) {
      emit(record.key(), state);
    } else {
      pending.put(record.key(), Json.write(state));
    }
  }

  private static ObjectNode newState(ShardAnswer first) {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("firstSeenMillis", System.currentTimeMillis());
    s.put("shardsTotal", first.partitions());
    s.putArray("answers");
    return s;
  }

  private void expire(long now) {
    List<KeyValue<String, String>> expired = new ArrayList<>();
    try (KeyValueIterator<String, String> all = pending.all()) {
      all.forEachRemaining(kv -> {
        if (now - Json.object(kv.value).path("firstSeenMillis").asLong(now) >= timeoutMillis) {
          expired.add(kv);
        }
      });
    }
    expired.forEach(kv -> emit(kv.key, (ObjectNode) Json.object(kv.value)));
  }

  private void emit(String queryId, ObjectNode state) {
    List<ShardAnswer> answers = new ArrayList<>();
    state.get("answers").forEach(a -> answers.add(Json.MAPPER.convertValue(a, ShardAnswer.class)));
    int total = state.get("shardsTotal").asInt();
    ShardAnswer first = answers.get(0);
    List<Hit> hits = new ArrayList<>();
    String error = null;
    double searchMax = 0;
    for (ShardAnswer a : answers) {
      hits.addAll(a.hits());
      error = error == null ? a.error() : error;
      searchMax = Math.max(searchMax, a.searchMillis());
    }
    hits.sort(BEST_FIRST);
    List<Hit> top = hits.subList(0, Math.min(first.k(), hits.size()));
    long totalMillis = System.currentTimeMillis() - first.receivedAtMillis();
    SearchResult result = new SearchResult(queryId, new ArrayList<>(top), first.modelId(), answers.size(), total, error,
        new SearchResult.Timings(first.encodeMillis(), searchMax, totalMillis));
    pending.delete(queryId);
    context.forward(new Record<>(queryId, Json.write(result), System.currentTimeMillis()));
    metrics.recordOut("results");
    metrics.queryAnswered(totalMillis, answers.size() == total);
  }
}
