package io.crossmodal.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.event.Tags;
import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.train.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Bulk loader: publishes each manifest item's image to {@code media.images} (key = item id) and its
 * first caption to {@code media.texts} (key = id + {@value #CAPTION_SUFFIX}), with the caption,
 * category (also as the item's tag, for tag filters) and licence as metadata. Keys are the items'
 * stable ids, so loading twice overwrites rather than duplicates.
 */
public final class MediaLoader {
  public static final String CAPTION_SUFFIX = ":caption";

  private MediaLoader() {}

  public static int load(Config config, List<Item> items, boolean progress) throws Exception {
    Topics topics = new Topics(config.topicNames());
    Progress bar = progress ? new Progress("ingest", items.size()) : null;
    List<Future<?>> acks = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            KafkaClients.producer(config),
            topics.mediaImages.keySerde().serializer(),
            topics.mediaImages.valueSerde().serializer())) {
      for (Item item : items) {
        ObjectNode meta =
            Json.MAPPER
                .createObjectNode()
                .put("caption", item.captions().get(0))
                .put("category", item.category())
                .put("licence", item.licence())
                .put("dataset", item.source());
        if (item.category() != null && !item.category().isBlank()) {
          meta.putArray(Tags.FIELD).add(item.category());
        }
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    topics.mediaImages.name(),
                    null,
                    item.id(),
                    Files.readAllBytes(Path.of(item.image())),
                    headers(item.source(), meta.toString(), contentType(item.image())))));
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    topics.mediaTexts.name(),
                    null,
                    item.id() + CAPTION_SUFFIX,
                    topics.mediaTexts.encodeValue(item.captions().get(0)),
                    headers(item.source(), meta.toString(), "text/plain"))));
        if (bar != null) {
          bar.step(1);
        }
      }
      producer.flush();
      for (Future<?> f : acks) {
        f.get();
      }
    }
    if (bar != null) {
      bar.done();
    }
    return items.size();
  }

  private static RecordHeaders headers(String source, String metadata, String contentType) {
    RecordHeaders h = new RecordHeaders();
    h.add("source", source.getBytes(StandardCharsets.UTF_8));
    h.add("metadata", metadata.getBytes(StandardCharsets.UTF_8));
    h.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
    return h;
  }

  private static String contentType(String image) throws IOException {
    String t = Files.probeContentType(Path.of(image));
    return t == null ? "application/octet-stream" : t;
  }
}
