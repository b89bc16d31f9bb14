package io.crossmodal.common.http;

import io.crossmodal.common.serde.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads each request's whole body before the route runs, without holding a thread while it arrives:
 * a client that announces a body and sends it slowly, or never, costs a connection and the bytes it
 * sent, not one of the threads that answer everyone else. A declared length over the limit is
 * refused at once (413, before the body is sent); a body that grows past it is cut off there (413);
 * a body that has not arrived whole within the request timeout, or whose connection went silent
 * (idle timeout) or too slow (minimum data rate), gets a 408.
 */
final class BufferedBodyHandler extends Handler.Wrapper {
  /** Told of every request answered here instead of by its route, for the per-route metrics. */
  @FunctionalInterface
  interface Refusals {
    void refused(String path, int status, long nanos);
  }

  private final int maxBodyBytes;
  private final long timeoutMillis;
  private final Refusals refusals;

  BufferedBodyHandler(Handler next, int maxBodyBytes, long timeoutMillis, Refusals refusals) {
    super(next);
    this.maxBodyBytes = maxBodyBytes;
    this.timeoutMillis = timeoutMillis;
    this.refusals = refusals;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    long length = request.getLength();
    boolean chunked = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    if (length == 0 || (length < 0 && !chunked)) {
      return super.handle(request, response, callback);
    }
    if (length > maxBodyBytes) {
      refuse(
          request,
          response,
          callback,
          413,
          "request body of " + length + " bytes exceeds the limit of " + maxBodyBytes);
      return true;
    }
    CompletableFuture<byte[]> read = Content.Source.asByteArrayAsync(request, maxBodyBytes);
    BiConsumer<byte[], Throwable> then =
        (body, failure) -> {
          if (failure != null) {
            Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            if (cause instanceof IllegalArgumentException) {
              refuse(
                  request,
                  response,
                  callback,
                  413,
                  "request body exceeds the limit of " + maxBodyBytes + " bytes");
            } else {
              String why =
                  cause instanceof TimeoutException && cause.getMessage() == null
                      ? "not received whole within " + timeoutMillis + " ms"
                      : "not received: " + cause;
              refuse(request, response, callback, 408, "request body " + why);
            }
            return;
          }
          try {
            if (!super.handle(new BufferedRequest(request, body), response, callback)) {
              refuse(
                  request,
                  response,
                  callback,
                  404,
                  "no such resource: " + request.getHttpURI().getPath());
            }
          } catch (Throwable t) {
            callback.failed(t);
          }
        };
    if (read.isDone()) {
      read.whenComplete(
          then); // the usual case: the body came with the headers; go on in this thread
    } else {
      // The rest arrives later, completing the read on whichever thread delivered it (possibly one
      // that serves I/O): hand the route to the server's pool instead of running it there.
      read.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
          .whenCompleteAsync(then, task -> request.getComponents().getThreadPool().execute(task));
    }
    return true;
  }

  private void refuse(
      Request request, Response response, Callback callback, int status, String message) {
    refusals.refused(
        request.getHttpURI().getPath(), status, System.nanoTime() - request.getBeginNanoTime());
    answer(response, callback, status, message);
  }

  private static void answer(Response response, Callback callback, int status, String message) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the rest of the body is not wanted
    byte[] json =
        Json.MAPPER
            .createObjectNode()
            .put("error", message)
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    response.write(true, ByteBuffer.wrap(json), callback);
  }

  /** The request with its body already in memory: one chunk, then the end. */
  private static final class BufferedRequest extends Request.Wrapper {
    private Content.Chunk chunk;
    private final long length;

    BufferedRequest(Request request, byte[] body) {
      super(request);
      this.chunk = Content.Chunk.from(ByteBuffer.wrap(body), true);
      this.length = body.length;
    }

    @Override
    public long getLength() {
      return length;
    }

    @Override
    public synchronized Content.Chunk read() {
      Content.Chunk c = chunk;
      chunk = Content.Chunk.EOF;
      return c;
    }

    @Override
    public void demand(Runnable demandCallback) {
      demandCallback.run(); // always readable
    }

    @Override
    public boolean consumeAvailable() {
      return true;
    }
  }
}
