package io.crossmodal.search.internal.http;

import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.HttpError;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The topic route of {@code POST /v1/search} ({@code search.http.route=topics}): the query goes to
 * {@code search.queries} like any Kafka client's and the answer is gathered from the shards'
 * answers (see {@link ResultWaiter}). Every HTTP query then also lives on the topics; it costs the
 * Kafka hops (tens of milliseconds, see BENCHMARKS.md). Thread safe.
 */
public final class TopicRoute implements SearchApi.QueryRoute {
  /** Where a query's result arrives ({@link ResultWaiter}). */
  public interface Results {
    /** Registers interest in a query id; call before producing the query. */
    CompletableFuture<String> expect(String queryId);

    /** Drops the interest (the query will not be answered, or no longer waited for). */
    void forget(String queryId);
  }

  private final Producer<String, String> producer;
  private final String queriesTopic;
  private final Results results;
  private final long timeoutMillis;

  public TopicRoute(
      Producer<String, String> producer, String queriesTopic, Results results, long timeoutMillis) {
    this.producer = producer;
    this.queriesTopic = queriesTopic;
    this.results = results;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public String answer(String body, SearchQuery query) throws Exception {
    String queryId = UUID.randomUUID().toString();
    var future = results.expect(queryId);
    try {
      producer
          .send(new ProducerRecord<>(queriesTopic, queryId, body))
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      results.forget(queryId);
      throw new HttpError(
          503,
          "could not write the query to "
              + queriesTopic
              + ": "
              + (e.getCause() != null ? e.getCause() : e));
    }
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      results.forget(queryId);
      throw new HttpError(
          504, "no result for query " + queryId + " within " + timeoutMillis + " ms");
    }
  }
}
