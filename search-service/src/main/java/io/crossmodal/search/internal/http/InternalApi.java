package io.crossmodal.search.internal.http;

import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.event.Target;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.common.serde.Json;
import io.crossmodal.search.internal.query.InstanceSearch;
import io.crossmodal.search.internal.query.NotYetSearchable;
import io.crossmodal.search.internal.query.ShardSearchRequest;
import io.crossmodal.search.internal.shard.LocalShards;
import io.crossmodal.search.store.SearchFilter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * What search instances ask each other for a direct search: {@code POST /internal/v1/shard-search}
 * (the exact top-k of this instance's shards among those asked) and {@code GET
 * /internal/v1/vectors/{id}?model=<id>} (a stored vector, for query by example). Each request names
 * a model and is answered from that model's space on this instance; a model this instance does not
 * hold, or a vector of another dimension, is refused (422), so spaces never mix across instances
 * either. With the services' internal token configured ({@code auth.internal.token}), a request
 * without it is refused (401/403).
 */
public final class InternalApi {
  private static final int MAX_BODY = 1 << 20;
  private final int kMax;
  private final Function<String, Space> spaces;
  private final Authenticator auth;

  /** One model's space on this instance: what a peer's request is answered from. */
  public record Space(String model, int dim, InstanceSearch search, LocalShards shards) {}

  /**
   * @param spaces the space of a model id on this instance, or null when it holds none
   * @param auth peers must present the internal token when one is configured
   */
  public InternalApi(int kMax, Function<String, Space> spaces, Authenticator auth) {
    this.auth = auth;
    this.kMax = kMax;
    this.spaces = spaces;
  }

  public void register(HttpService http) {
    http.route(
        "/internal/v1/shard-search",
        ex -> {
          requirePeer(ex);
          shardSearch(ex);
        });
    http.route(
        "/internal/v1/vectors/",
        ex -> {
          requirePeer(ex);
          vector(ex);
        });
  }

  private void requirePeer(HttpExchange ex) throws HttpError {
    auth.require(ex, Authenticator.Right.INTERNAL);
  }

  private void shardSearch(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "POST");
    ShardSearchRequest r;
    try {
      r =
          Json.read(
              new String(HttpService.body(ex, MAX_BODY), StandardCharsets.UTF_8),
              ShardSearchRequest.class);
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    Target target;
    SearchMode mode;
    try {
      target = r.target() == null ? Target.ANY : Target.parse(r.target());
      mode = SearchMode.parse(r.mode());
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, e.getMessage());
    }
    Space space = r.model() == null ? null : spaces.apply(r.model());
    if (space == null) {
      throw new HttpError(
          422, "request of model " + r.model() + ", which this instance does not hold");
    }
    int dim = space.dim();
    // A words-only request carries no vector; every other one a vector of the model's space.
    boolean vectorOk =
        mode.usesVectors()
            ? r.vector() != null && r.vector().length == dim
            : r.vector() == null || r.vector().length == dim;
    if (!vectorOk) {
      throw new HttpError(
          422,
          "request of model "
              + r.model()
              + " with a vector of dim "
              + (r.vector() == null ? 0 : r.vector().length)
              + ", the model's dim is "
              + dim);
    }
    if (r.k() < 1 || r.k() > kMax || r.partitions() == null) {
      throw new HttpError(400, "'k' must be between 1 and " + kMax + " and 'partitions' given");
    }
    if (mode.usesWords() && (r.text() == null || r.text().isBlank())) {
      throw new HttpError(400, "mode " + mode.wireName() + " needs 'text'");
    }
    List<Position> after = r.after() == null ? List.of() : r.after();
    if (after.size() > Position.MAX_PER_QUERY || r.afterMillis() < 0 || r.afterMillis() > 600_000) {
      throw new HttpError(
          400,
          "'after' holds at most "
              + Position.MAX_PER_QUERY
              + " positions and 'afterMillis' is 0 to 600000");
    }
    try {
      HttpService.sendJson(
          ex,
          200,
          Json.write(
              space
                  .search()
                  .search(
                      r.vector(),
                      r.text(),
                      mode,
                      r.k(),
                      new SearchFilter(target, r.source(), r.tags()),
                      r.partitions(),
                      after,
                      System.nanoTime() + r.afterMillis() * 1_000_000)));
    } catch (NotYetSearchable e) {
      throw new HttpError(504, e.getMessage());
    }
  }

  private void vector(HttpExchange ex) throws Exception {
    HttpService.requireMethod(ex, "GET");
    String id =
        URLDecoder.decode(
            ex.getRequestURI().getRawPath().substring("/internal/v1/vectors/".length()),
            StandardCharsets.UTF_8);
    String model = HttpService.queryParam(ex, "model");
    Space space = model == null ? null : spaces.apply(model);
    if (space == null) {
      throw new HttpError(422, "'model' names no model this instance holds: " + model);
    }
    float[] vector = id.isEmpty() ? null : space.shards().vectorOf(id);
    if (vector == null) {
      throw new HttpError(404, "no vector for '" + id + "' on this instance");
    }
    HttpService.sendJson(ex, 200, Json.write(vector));
  }
}
