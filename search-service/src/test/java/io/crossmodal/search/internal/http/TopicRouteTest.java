package io.crossmodal.search.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.http.HttpError;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The topic route when the query cannot be written: a 503 to retry, and no waiter left behind. */
class TopicRouteTest {
  private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
  private final TopicRoute.Results results =
      new TopicRoute.Results() {
        @Override
        public CompletableFuture<String> expect(String queryId) {
          return waiting.computeIfAbsent(queryId, id -> new CompletableFuture<>());
        }

        @Override
        public void forget(String queryId) {
          waiting.remove(queryId);
        }
      };

  @Test
  void shouldAnswer503AndFreeItsWaiterWhenTheQueryCannotBeWritten() {
    MockProducer<String, String> producer =
        new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    producer.sendException = new TimeoutException("broker unreachable");
    TopicRoute route = new TopicRoute(producer, "search.queries", results, 1000);

    HttpError e = assertThrows(HttpError.class, () -> route.answer("{\"text\":\"a cat\"}", null));

    assertEquals(503, e.status());
    assertTrue(e.getMessage().contains("broker unreachable"), e.getMessage());
    assertTrue(waiting.isEmpty(), "the waiter is freed");
  }
}
