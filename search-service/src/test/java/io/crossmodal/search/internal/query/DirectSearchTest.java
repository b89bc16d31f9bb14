package io.crossmodal.search.internal.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.errors.DeadLetters;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.QueryParser;
import io.crossmodal.common.event.QueryVector;
import io.crossmodal.common.event.SearchQuery;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.query.Hit;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.internal.topology.SearchTopology;
import io.crossmodal.search.lexical.CorpusStats;
import io.crossmodal.search.lexical.LexicalIndex;
import io.crossmodal.search.store.DotProductKernel;
import io.crossmodal.search.store.VectorIndex;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The direct route's boundary with the encoder, against a real HTTP server standing in for it: a
 * vector of another model or dimension never reaches the shards (502, counted), the encoder's
 * refusal is the client's 400 with the encoder's reason, an unreachable encoder is a 503.
 */
class DirectSearchTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<String> answer = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final HttpService encoder =
      new HttpService("fake-encoder", 0, () -> true, registry)
          .route("/v1/encode", ex -> HttpService.sendJson(ex, status.get(), answer.get()))
          .start();

  @AfterEach
  void stop() {
    encoder.close();
  }

  private DirectSearch direct(String url) {
    EncoderClient client =
        new EncoderClient(HttpClient.newHttpClient(), url, Duration.ofSeconds(5));
    // No shard and no peer is reached on these paths: each one ends at the encoder boundary.
    return new DirectSearch(
        "model-a",
        4,
        2,
        client,
        null,
        null,
        new LocalShards(),
        null,
        new SearchMetrics(registry),
        1000);
  }

  /**
   * An instance that knows no peer; shard 0 owns every id, and is this instance's when {@code
   * local}.
   */
  private static ShardOwners withoutPeers(boolean local) {
    return new ShardOwners() {
      @Override
      public Map<String, List<Integer>> peers() {
        return Map.of();
      }

      @Override
      public Owner ownerOf(String id) {
        return new Owner(0, null, local);
      }
    };
  }

  private static SearchQuery query(String json) throws Exception {
    return new QueryParser(10, 10_000, 1 << 20).parse(json);
  }

  @Test
  void shouldRefuseAVectorOfAnotherModelOrDimensionFromTheEncoder() throws Exception {
    String body = "{\"text\":\"a cat\"}";
    answer.set(Json.write(new QueryVector("model-b", 4, new float[] {1, 0, 0, 0}, 1)));
    HttpError wrongModel =
        assertThrows(
            HttpError.class,
            () -> direct("http://localhost:" + encoder.port()).search(body, query(body)));
    assertEquals(502, wrongModel.status());
    assertTrue(
        wrongModel.getMessage().contains("model-b") && wrongModel.getMessage().contains("model-a"),
        wrongModel.getMessage());

    answer.set(Json.write(new QueryVector("model-a", 3, new float[] {1, 0, 0}, 1)));
    HttpError wrongDim =
        assertThrows(
            HttpError.class,
            () -> direct("http://localhost:" + encoder.port()).search(body, query(body)));
    assertEquals(502, wrongDim.status());
    assertTrue(
        registry
            .scrape()
            .contains(
                "crossmodal_http_rejected_total{reason=\"wrong-model\",service=\"search\"} 2.0"));
  }

  @Test
  void shouldPassTheEncodersRefusalOnAsTheClientsError() throws Exception {
    String body = "{\"image\":\"aGVsbG8=\"}";
    status.set(400);
    answer.set("{\"error\":\"not a supported image format (5 bytes)\"}");
    HttpError e =
        assertThrows(
            HttpError.class,
            () -> direct("http://localhost:" + encoder.port()).search(body, query(body)));
    assertEquals(400, e.status());
    assertEquals("not a supported image format (5 bytes)", e.getMessage());
  }

  @Test
  void shouldAnswer503WhenTheEncoderIsUnreachable() throws Exception {
    String body = "{\"text\":\"a cat\"}";
    int closedPort = encoder.port();
    encoder.close();
    HttpError e =
        assertThrows(
            HttpError.class,
            () -> direct("http://localhost:" + closedPort).search(body, query(body)));
    assertEquals(503, e.status());
    assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
  }

  /**
   * A words-only query needs no vector: it is answered while the encoder is down, where a vector
   * query gets its 503.
   */
  @Test
  void shouldAnswerALexicalQueryWithoutTheEncoder() throws Exception {
    LocalShards shards = new LocalShards();
    var corpus = new CorpusStats();
    LiveShard shard =
        new LiveShard(
            0, new VectorIndex(4, 4, DotProductKernel.best()), new LexicalIndex(), corpus);
    shard.upsert("bus-1", Modality.IMAGE, "s", List.of(), new float[] {1, 0, 0, 0}, "Bus");
    shards.add(shard);
    ShardOwners alone = withoutPeers(true);
    int closedPort = encoder.port();
    encoder.close();
    DirectSearch direct =
        new DirectSearch(
            "model-a",
            4,
            1,
            new EncoderClient(
                HttpClient.newHttpClient(),
                "http://localhost:" + closedPort,
                Duration.ofSeconds(5)),
            null,
            alone,
            shards,
            new InstanceSearch(
                shards,
                Executors.newSingleThreadExecutor(),
                1,
                (p, id) -> null,
                new SearchMetrics(registry),
                0),
            new SearchMetrics(registry),
            1000);
    String words = "{\"text\":\"buses\",\"mode\":\"lexical\"}";
    var result = direct.search(words, query(words));
    assertEquals(List.of("bus-1"), result.hits().stream().map(Hit::id).toList());
    String both = "{\"text\":\"buses\",\"mode\":\"hybrid\"}";
    assertEquals(
        503, assertThrows(HttpError.class, () -> direct.search(both, query(both))).status());
  }

  @Test
  void shouldAnswer503NotAnEmptyResultWhenNoShardAnswers() throws Exception {
    // Given a running instance that serves no shard and knows no peer (all moving in a rebalance)
    ShardOwners nobody = withoutPeers(false);
    answer.set(Json.write(new QueryVector("model-a", 4, new float[] {1, 0, 0, 0}, 1)));
    EncoderClient client =
        new EncoderClient(
            HttpClient.newHttpClient(),
            "http://localhost:" + encoder.port(),
            Duration.ofSeconds(5));
    DirectSearch direct =
        new DirectSearch(
            "model-a",
            4,
            2,
            client,
            null,
            nobody,
            new LocalShards(),
            new InstanceSearch(
                new LocalShards(),
                Executors.newSingleThreadExecutor(),
                1,
                (p, id) -> null,
                new SearchMetrics(registry),
                0),
            new SearchMetrics(registry),
            1000);
    String body = "{\"text\":\"a cat\"}";

    // When a query arrives, then it is a 503 (retry), never 200 with "hits": []
    HttpError e = assertThrows(HttpError.class, () -> direct.search(body, query(body)));
    assertEquals(503, e.status());
    assertTrue(e.getMessage().contains("no shard of 2 answered"), e.getMessage());
    assertTrue(
        registry.scrape().contains("crossmodal_queries_unanswered_total{route=\"direct\"} 1.0"));
  }

  /** Before Kafka Streams runs there is no shard metadata: a 503 to retry, not a 500. */
  @Test
  void shouldAnswer503UntilKafkaStreamsRuns() throws Exception {
    Properties props = new Properties();
    props.put("application.id", "direct-search-test");
    props.put("bootstrap.servers", "localhost:1");
    props.put("state.dir", Files.createTempDirectory("direct-search-test").toString());
    LocalShards shards = new LocalShards();
    try (KafkaStreams notStarted =
        new KafkaStreams(
            SearchTopology.build(
                Topics.defaults(),
                new SearchTopology.Settings("model-a", 4, 100, 1000, 0, true, 1000),
                new SearchMetrics(registry),
                shards,
                new CorpusStats(),
                new DeadLetters("search", "search.dlq", 1 << 20, registry),
                (topic, partition, offset, letter, tombstone) -> {}),
            props)) {
      ShardDirectory directory =
          new ShardDirectory(
              notStarted, Topics.defaults().embeddings, "vectors", new HostInfo("localhost", 1));
      answer.set(Json.write(new QueryVector("model-a", 4, new float[] {1, 0, 0, 0}, 1)));
      DirectSearch direct =
          new DirectSearch(
              "model-a",
              4,
              2,
              new EncoderClient(
                  HttpClient.newHttpClient(),
                  "http://localhost:" + encoder.port(),
                  Duration.ofSeconds(5)),
              null,
              directory,
              shards,
              null,
              new SearchMetrics(registry),
              1000);
      for (String body : new String[] {"{\"text\":\"a cat\"}", "{\"mediaId\":\"x\"}"}) {
        HttpError e = assertThrows(HttpError.class, () -> direct.search(body, query(body)));
        assertEquals(503, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("not running yet"), e.getMessage());
      }
    }
  }
}
