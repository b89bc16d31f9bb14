package io.crossmodal.ingest.internal.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.event.Position;
import io.crossmodal.common.http.Authenticator;
import io.crossmodal.common.http.HttpError;
import io.crossmodal.common.http.HttpService;
import io.crossmodal.common.http.Rejections;
import io.crossmodal.common.media.MediaValidator;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.ingest.internal.http.RequestGuard.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The ingest HTTP API. Each accepted request is acknowledged ({@code 202} with the id) only after
 * the broker confirmed the write ({@code acks=all}), so an acknowledged item is never lost.
 *
 * <ul>
 *   <li>{@code POST /v1/images}: raw image body with its {@code Content-Type}; optional {@code
 *       ?id=}, {@code X-Caption}, {@code X-Source}, {@code X-Metadata} (JSON object) headers; or
 *       {@code multipart/form-data} with an {@code image} file part and optional {@code caption},
 *       {@code metadata}, {@code source}, {@code id} fields.
 *   <li>{@code POST /v1/texts}: JSON {@code {"text": …, "id"?, "source"?, "metadata"?}}.
 *   <li>{@code POST /v1/batch}: JSON {@code {"items": [...]}}, each item a text ({@code "text"}) or
 *       an image ({@code "image"} base64 with {@code "contentType"}), with optional {@code id},
 *       {@code source}, {@code metadata}, {@code caption}; answers {@code 200} with one result per
 *       item ({@code status} 202 with its id, or 4xx with its error): good items are never held
 *       back by bad ones.
 *   <li>{@code DELETE /v1/media/{id}}: a tombstone on both media topics.
 * </ul>
 *
 * <p>With a configured token, every call needs {@code Authorization: Bearer <token>} ({@code 401}
 * without credentials, {@code 403} with wrong ones); a POST may carry {@code Idempotency-Key}
 * ({@link RequestGuard}). What an item becomes on the media topics, and the checks before, are
 * {@link MediaRecords}.
 */
public final class IngestApi {
  public static final int MAX_BATCH_ITEMS = 500;

  private final Producer<String, byte[]> producer;
  private final Topics topics;
  private final MediaRecords records;
  private final RequestGuard guard;
  private final Rejections rejections;
  private final MeterRegistry registry;

  /**
   * @param validator the encoder's media validator: what it would dead-letter is refused here with
   *     a 4xx
   * @param maxRequestBytes largest request body (a batch)
   * @param auth every call needs the write right when auth is on
   */
  public IngestApi(
      Producer<String, byte[]> producer,
      Topics topics,
      MediaValidator validator,
      int maxRequestBytes,
      Authenticator auth,
      MeterRegistry registry) {
    this.producer = producer;
    this.topics = topics;
    this.registry = registry;
    this.rejections = new Rejections(registry, "ingest");
    this.records = new MediaRecords(topics, validator, rejections);
    this.guard =
        new RequestGuard(auth, rejections, Math.max(validator.maxImageBytes(), maxRequestBytes));
    // Registered now, at zero, so a fresh dashboard shows the ingest series before the first
    // request.
    for (String topic : List.of(topics.mediaImages.name(), topics.mediaTexts.name(), "batch")) {
      recordsOut(topic);
    }
  }

  private Counter recordsOut(String topic) {
    return Counter.builder("crossmodal.records.out")
        .tag("service", "ingest")
        .tag("topic", topic)
        .register(registry);
  }

  public void register(HttpService http) {
    http.route("/v1/images", guard.around(this::image));
    http.route("/v1/texts", guard.around(this::text));
    http.route("/v1/batch", guard.around(this::batch));
    http.route("/v1/media/", guard.around(this::delete));
  }

  private Response image(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String caption = ex.getRequestHeaders().getFirst("X-Caption");
    String metadataJson = ex.getRequestHeaders().getFirst("X-Metadata");
    String source = ex.getRequestHeaders().getFirst("X-Source");
    String id = HttpService.queryParam(ex, "id");
    if (type != null && type.toLowerCase().startsWith("multipart/form-data")) {
      MultipartForm form;
      try {
        form = MultipartForm.parse(type, body);
      } catch (IllegalArgumentException e) {
        throw rejections.reject(400, e.getMessage(), "malformed-multipart");
      }
      MultipartForm.Part image = form.part("image");
      if (image == null) {
        throw rejections.reject(400, "multipart form needs an 'image' part", "missing-image");
      }
      type = image.contentType();
      body = image.body();
      caption = form.part("caption") == null ? caption : form.part("caption").text();
      metadataJson = form.part("metadata") == null ? metadataJson : form.part("metadata").text();
      source = form.part("source") == null ? source : form.part("source").text();
      id = form.part("id") == null ? id : form.part("id").text();
    }
    ProducerRecord<String, byte[]> record =
        records.image(
            type,
            body,
            caption,
            records.metadata(metadataJson, "X-Metadata"),
            source,
            MediaRecords.idFrom(id, key));
    RecordMetadata at = producer.send(record).get(30, TimeUnit.SECONDS);
    recordsOut(record.topic()).increment();
    return accepted(record.key(), "image", Position.of(at));
  }

  private Response text(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    ProducerRecord<String, byte[]> record = records.text(records.json(body), key);
    RecordMetadata at = producer.send(record).get(30, TimeUnit.SECONDS);
    recordsOut(record.topic()).increment();
    return accepted(record.key(), "text", Position.of(at));
  }

  /**
   * Validates every item first, sends the good ones together, then waits for all acknowledgements;
   * each item's result says what became of it. With an idempotency key, item i without an id gets
   * the id derived from "key#i".
   */
  private Response batch(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "POST");
    JsonNode req = records.json(body);
    JsonNode items = req == null ? null : req.get("items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw rejections.reject(400, "'items' must be a non-empty array", "invalid-batch");
    }
    if (items.size() > MAX_BATCH_ITEMS) {
      throw rejections.reject(
          413,
          "a batch holds at most " + MAX_BATCH_ITEMS + " items, got " + items.size(),
          "batch-too-large");
    }
    ArrayNode results = Json.MAPPER.createArrayNode();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    List<ObjectNode> pending = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode result = results.addObject().put("index", i);
      try {
        ProducerRecord<String, byte[]> record =
            records.batchItem(items.get(i), key == null ? null : key + "#" + i);
        acks.add(producer.send(record));
        pending.add(result.put("id", record.key()));
      } catch (HttpError e) {
        result.put("status", e.status()).put("error", e.getMessage());
      }
    }
    int accepted = 0;
    for (int i = 0; i < acks.size(); i++) {
      try {
        RecordMetadata at = acks.get(i).get(30, TimeUnit.SECONDS);
        pending.get(i).put("status", 202).put("position", Position.token(List.of(Position.of(at))));
        accepted++;
      } catch (ExecutionException | TimeoutException e) {
        pending.get(i).put("status", 503).put("error", "not acknowledged by Kafka: " + e);
      }
    }
    recordsOut("batch").increment(accepted);
    ObjectNode out =
        Json.MAPPER
            .createObjectNode()
            .put("accepted", accepted)
            .put("rejected", items.size() - accepted);
    out.set("results", results);
    return new Response(200, out.toString());
  }

  private Response delete(HttpExchange ex, String key, byte[] body) throws Exception {
    HttpService.requireMethod(ex, "DELETE");
    String id =
        URLDecoder.decode(
            ex.getRequestURI().getRawPath().substring("/v1/media/".length()),
            StandardCharsets.UTF_8);
    if (id.isBlank()) {
      throw rejections.reject(400, "missing media id", "missing-id");
    }
    RecordMetadata image =
        producer
            .send(new ProducerRecord<>(topics.mediaImages.name(), id, null))
            .get(30, TimeUnit.SECONDS);
    RecordMetadata text =
        producer
            .send(new ProducerRecord<>(topics.mediaTexts.name(), id, null))
            .get(30, TimeUnit.SECONDS);
    return accepted(id, "delete", Position.of(image), Position.of(text));
  }

  /**
   * {@code 202} with the id and the write's position token: a query with {@code "after": token} is
   * answered once the write is searchable (read-your-writes).
   */
  private static Response accepted(String id, String kind, Position... at) {
    return new Response(
        202,
        Json.MAPPER
            .createObjectNode()
            .put("id", id)
            .put("status", "accepted")
            .put("kind", kind)
            .put("position", Position.token(List.of(at)))
            .toString());
  }
}
