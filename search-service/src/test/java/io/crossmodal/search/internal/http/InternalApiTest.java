package io.crossmodal.search.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.event.Modality;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.internal.metrics.SearchMetrics;
import io.crossmodal.search.internal.query.InstanceSearch;
import io.crossmodal.search.internal.query.PartialAnswer;
import io.crossmodal.search.internal.query.PeerClient;
import io.crossmodal.search.internal.query.ShardSearchRequest;
import io.crossmodal.search.internal.shard.LiveShard;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.store.DotProductKernel;
import io.crossmodal.search.store.VectorIndex;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoints peers call, over a real HTTP server, called by the real {@link PeerClient}. */
class InternalApiTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpService http = new HttpService("search-service", 0, () -> true, registry);
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    http.close();
    pool.shutdownNow();
  }

  private String start(String token) {
    LocalShards shards = new LocalShards();
    VectorIndex index = new VectorIndex(2, 4, DotProductKernel.scalar(), true);
    index.upsert("a", Modality.IMAGE, "s", new float[] {1, 0});
    index.upsert("b", Modality.TEXT, "s", new float[] {0, 1});
    shards.add(new LiveShard(1, index));
    InstanceSearch search =
        new InstanceSearch(shards, pool, 2, (p, id) -> null, new SearchMetrics(registry), 0);
    // A second model's space on the same instance: the same id, another vector.
    LocalShards otherShards = new LocalShards();
    VectorIndex other = new VectorIndex(2, 4, DotProductKernel.scalar(), true);
    other.upsert("b", Modality.TEXT, "s", new float[] {1, 0});
    otherShards.add(new LiveShard(1, other));
    InstanceSearch otherSearch =
        new InstanceSearch(otherShards, pool, 2, (p, id) -> null, new SearchMetrics(registry), 0);
    Map<String, InternalApi.Space> spaces =
        Map.of(
            "m",
            new InternalApi.Space("m", 2, search, shards),
            "m2",
            new InternalApi.Space("m2", 2, otherSearch, otherShards));
    Config config =
        Config.defaults()
            .with(
                token.isEmpty()
                    ? Map.of()
                    : Map.of("auth.internal.token", token, "auth.read.tokens", "reader"));
    new InternalApi(10, spaces::get, Authenticator.of(config)).register(http);
    http.start();
    return "localhost:" + http.port();
  }

  @Test
  void shouldAnswerPeersFromTheNamedModelsSpaceAndRefuseOneItDoesNotHold() throws Exception {
    String self = start("");
    PeerClient peers = new PeerClient(client, "http", Duration.ofSeconds(5), "");
    PartialAnswer answer =
        peers
            .search(
                self,
                new ShardSearchRequest(
                    "m", new float[] {0.9f, 0.1f}, 1, "any", null, null, List.of(0, 1), null, null))
            .get();
    assertEquals(List.of(1), answer.partitions(), "shard 0 does not run here");
    assertEquals("a", answer.hits().get(0).id());
    assertEquals(List.of(0f, 1f), toList(peers.vector(self, "m", "b").orElseThrow()));
    assertTrue(peers.vector(self, "m", "nope").isEmpty());
    assertEquals(
        List.of(1f, 0f),
        toList(peers.vector(self, "m2", "b").orElseThrow()),
        "the other model's vector of the same id");
    assertEquals(
        "b",
        peers
            .search(
                self,
                new ShardSearchRequest(
                    "m2", new float[] {0.9f, 0.1f}, 1, "any", null, null, List.of(1), null, null))
            .get()
            .hits()
            .get(0)
            .id(),
        "answered from m2's space");

    HttpResponse<String> otherModel =
        post(
            self,
            Json.write(
                new ShardSearchRequest(
                    "m3", new float[] {1, 0}, 1, "any", null, null, List.of(1), null, null)),
            null);
    assertEquals(422, otherModel.statusCode());
    assertEquals(
        422,
        client
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://" + self + "/internal/v1/vectors/b?model=m3"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    HttpResponse<String> otherDim =
        post(
            self,
            Json.write(
                new ShardSearchRequest(
                    "m", new float[] {1, 0, 0}, 1, "any", null, null, List.of(1), null, null)),
            null);
    assertEquals(422, otherDim.statusCode());
  }

  @Test
  void shouldRefuseCallersWithoutTheTokenWhenOneIsSet() throws Exception {
    String self = start("s3cret");
    String body =
        Json.write(
            new ShardSearchRequest(
                "m", new float[] {1, 0}, 1, "any", null, null, List.of(1), null, null));
    assertEquals(401, post(self, body, null).statusCode());
    assertEquals(403, post(self, body, "guess").statusCode());
    assertEquals(
        403, post(self, body, "reader").statusCode(), "a client's read token is not a peer's");
    assertEquals(200, post(self, body, "s3cret").statusCode());
    assertEquals(
        "a",
        new PeerClient(client, "http", Duration.ofSeconds(5), "s3cret")
            .search(
                self,
                new ShardSearchRequest(
                    "m", new float[] {1, 0}, 1, "any", null, null, List.of(1), null, null))
            .get()
            .hits()
            .get(0)
            .id());
  }

  private HttpResponse<String> post(String hostPort, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + hostPort + "/internal/v1/shard-search"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Float> toList(float[] v) {
    return List.of(v[0], v[1]);
  }
}
