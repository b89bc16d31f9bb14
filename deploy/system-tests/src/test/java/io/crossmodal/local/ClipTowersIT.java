package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.KafkaClients;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.clip.ClipShapedFolder;
import io.crossmodal.model.clip.ClipTowers;
import io.crossmodal.model.joint.ServedModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encoder.towers.dir}: the whole stack serves a CLIP-format folder's space instead of the
 * bundled model: its model id, its dimension, and its vectors for media and queries alike.
 */
class ClipTowersIT {
  @TempDir Path dir;

  @Test
  void shouldServeTheFoldersSpaceWhenATowersFolderIsConfigured() throws Exception {
    Path towersDir = new ClipShapedFolder(11).write(dir.resolve("towers"));
    Config config = TestConfigs.freePorts(2, "encoder.towers.dir", towersDir.toString());
    ServedModel.Identity identity = ServedModel.identity(config, null);
    assertTrue(identity.modelId().startsWith("clip-"), identity.modelId());
    assertEquals(ClipShapedFolder.DIM, identity.dim());
    List<String> captions = List.of("a red dog", "car", "a red car");
    byte[] png = png();
    try (ClipTowers reference = ClipTowers.load(towersDir, 1);
        LocalStack stack =
            LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                KafkaClients.producer(stack.config()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      for (int i = 0; i < captions.size(); i++) {
        producer.send(
            new ProducerRecord<>(
                "media.texts", "t" + i, captions.get(i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.send(new ProducerRecord<>("media.images", "i0", png));
      producer.flush();
      ScrapedMetrics.awaitIndexed(stack.searchPort(), captions.size() + 1, Duration.ofMinutes(2));

      HttpClient http = HttpClient.newHttpClient();
      JsonNode encoded = post(http, stack.encoderPort(), "/v1/encode", "{\"text\":\"a red dog\"}");
      assertEquals(identity.modelId(), encoded.path("model").asText());
      float[] expected = reference.encodeTexts(List.of("a red dog"))[0];
      for (int d = 0; d < expected.length; d++) {
        assertEquals(
            expected[d], encoded.path("vector").get(d).floatValue(), 1e-5, "dimension " + d);
      }
      for (int i = 0; i < captions.size(); i++) {
        JsonNode hits =
            post(
                    http,
                    stack.searchPort(),
                    "/v1/search",
                    "{\"text\":\""
                        + captions.get(i)
                        + "\",\"k\":3,\"target\":\"text\",\"mode\":\"vector\"}")
                .path("hits");
        assertEquals(
            "t" + i,
            hits.get(0).path("id").asText(),
            "a text finds itself first in the folder's space: " + hits);
        assertEquals(1.0, hits.get(0).path("score").asDouble(), 1e-4);
      }
      JsonNode byImage =
          post(
                  http,
                  stack.searchPort(),
                  "/v1/search",
                  "{\"image\":\""
                      + Base64.getEncoder().encodeToString(png)
                      + "\",\"k\":1,\"target\":\"image\"}")
              .path("hits");
      assertEquals("i0", byImage.get(0).path("id").asText());
      assertEquals(1.0, byImage.get(0).path("score").asDouble(), 1e-4);
    }
  }

  private static JsonNode post(HttpClient http, int port, String path, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }

  private static byte[] png() throws Exception {
    BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(3);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
