package io.crossmodal.common.http;

import io.crossmodal.common.config.Config;

/**
 * How much an HTTP client may take of a service: the bounds that keep slow or hostile clients from
 * owning it (see {@link HttpService}).
 *
 * @param idleTimeoutMillis a connection silent this long is closed (also bounds each blocking read)
 * @param requestTimeoutMillis a request body must arrive whole within this long
 * @param minRequestDataRate bytes per second below which an upload is cut off
 * @param maxConcurrentRequests API requests in progress at once; more get 503 + Retry-After
 * @param maxConnections open connections; more wait in the accept queue
 * @param maxBodyBytes largest request body of any route (each route also has its own, smaller or
 *     equal)
 */
record HttpLimits(
    long idleTimeoutMillis,
    long requestTimeoutMillis,
    long minRequestDataRate,
    int maxConcurrentRequests,
    int maxConnections,
    int maxBodyBytes) {
  public static HttpLimits of(Config c) {
    return new HttpLimits(
        c.getLong("http.idle.timeout.ms"),
        c.getLong("http.request.timeout.ms"),
        c.getLong("http.min.request.data.rate"),
        c.getInt("http.max.concurrent.requests"),
        c.getInt("http.max.connections"),
        c.getInt("http.max.body.bytes"));
  }

  public static HttpLimits defaults() {
    return of(Config.defaults());
  }
}
