package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.http.TlsSettings;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.joint.ServedModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack with TLS (mutual: every service and client shows a certificate) and authentication on,
 * the search service reaching the encoder over HTTPS as separate services do. Every endpoint is
 * called with the right credentials, wrong ones and none.
 */
class SecureStackIT {
  private static final String PASSWORD = "changeit";
  @TempDir Path dir;

  @Test
  void shouldServeEveryEndpointOnlyOverTlsAndOnlyToTheRightTokenWhenAuthAndTlsAreOn()
      throws Exception {
    Path keystore = dir.resolve("service.p12");
    Path truststore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "crossmodal",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore",
        keystore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path cert = dir.resolve("service.cer");
    keytool(
        "-exportcert",
        "-alias",
        "crossmodal",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "crossmodal",
        "-file",
        cert.toString(),
        "-keystore",
        truststore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    Config config =
        TestConfigs.freePorts(
            2,
            "local.encode.in.process",
            "false",
            "http.tls.keystore",
            keystore.toString(),
            "http.tls.keystore.password",
            PASSWORD,
            "http.tls.truststore",
            truststore.toString(),
            "http.tls.truststore.password",
            PASSWORD,
            "http.tls.client.auth",
            "need",
            "auth.read.tokens",
            "reader",
            "auth.write.tokens",
            "writer",
            "auth.internal.token",
            "peer-secret");
    SSLContext tls =
        TlsSettings.of(config)
            .context(); // the client shows the same certificate the services trust
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      String ingest = "https://localhost:" + stack.ingestPort();
      String encoder = "https://localhost:" + stack.encoderPort();
      String search = "https://localhost:" + stack.searchPort();
      String text = "{\"text\":\"a red bicycle\",\"id\":\"bike-1\"}";

      // ingest: the write right only
      assertEquals(401, post(client, ingest + "/v1/texts", text, null).statusCode());
      assertEquals(403, post(client, ingest + "/v1/texts", text, "guess").statusCode());
      assertEquals(403, post(client, ingest + "/v1/texts", text, "reader").statusCode());
      assertEquals(202, post(client, ingest + "/v1/texts", text, "writer").statusCode());
      awaitMedia(client, search + "/v1/media/bike-1");

      // search and media: the read right only
      String query = "{\"text\":\"a bicycle\",\"k\":1}";
      assertEquals(401, post(client, search + "/v1/search", query, null).statusCode());
      assertEquals(403, post(client, search + "/v1/search", query, "writer").statusCode());
      assertEquals(403, post(client, search + "/v1/search", query, "guess").statusCode());
      HttpResponse<String> found = post(client, search + "/v1/search", query, "reader");
      assertEquals(200, found.statusCode(), found.body());
      JsonNode answer = Json.object(found.body());
      assertEquals("bike-1", answer.path("hits").path(0).path("id").asText(), found.body());
      assertEquals(
          2,
          answer.path("shardsAnswered").asInt(),
          "every shard, the encoder reached over TLS with the internal token");
      assertEquals(401, get(client, search + "/v1/media/bike-1", null).statusCode());
      assertEquals(200, get(client, search + "/v1/media/bike-1", "reader").statusCode());
      assertEquals(
          200, get(client, search + "/v1/media/bike-1?access_token=reader", null).statusCode());
      assertEquals(
          200,
          get(client, search + "/", null).statusCode(),
          "the page itself is open; it asks for a token");

      // encoder: read right or the internal token
      String encode = "{\"text\":\"a bicycle\"}";
      assertEquals(401, post(client, encoder + "/v1/encode", encode, null).statusCode());
      assertEquals(403, post(client, encoder + "/v1/encode", encode, "writer").statusCode());
      assertEquals(200, post(client, encoder + "/v1/encode", encode, "reader").statusCode());
      assertEquals(200, post(client, encoder + "/v1/encode", encode, "peer-secret").statusCode());

      // the search instances' internal endpoints: the internal token only
      String shardSearch = post(client, encoder + "/v1/encode", encode, "reader").body();
      String peerRequest =
          "{\"model\":"
              + Json.object(shardSearch).path("model")
              + ",\"vector\":"
              + Json.object(shardSearch).path("vector")
              + ",\"k\":1,\"target\":\"any\",\"partitions\":[0,1]}";
      assertEquals(
          401, post(client, search + "/internal/v1/shard-search", peerRequest, null).statusCode());
      assertEquals(
          403,
          post(client, search + "/internal/v1/shard-search", peerRequest, "reader").statusCode());
      assertEquals(
          200,
          post(client, search + "/internal/v1/shard-search", peerRequest, "peer-secret")
              .statusCode());

      // delete: the write right
      assertEquals(403, delete(client, ingest + "/v1/media/bike-1", "reader").statusCode());
      assertEquals(202, delete(client, ingest + "/v1/media/bike-1", "writer").statusCode());

      // probes and scrapes need no token, but TLS all the same
      for (String base : List.of(ingest, encoder, search)) {
        assertEquals(200, get(client, base + "/health", null).statusCode(), base);
        assertEquals(200, get(client, base + "/metrics", null).statusCode(), base);
        HttpClient noCertificate =
            HttpClient.newBuilder()
                .sslContext(trustOnly(truststore))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        assertThrows(
            IOException.class,
            () -> get(noCertificate, base + "/health", null),
            base + ": a client without a certificate");
        String plain = base.replace("https://", "http://");
        assertThrows(
            IOException.class,
            () -> get(HttpClient.newHttpClient(), plain + "/health", null),
            plain + ": no plain HTTP");
      }
    }
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(
        p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
        "keytool " + String.join(" ", args) + ": " + out);
  }

  private static SSLContext trustOnly(Path truststore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(truststore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static void awaitMedia(HttpClient client, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (get(client, url, "reader").statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "not indexed: " + url);
      Thread.sleep(300);
    }
  }

  private static HttpResponse<String> post(HttpClient client, String url, String body, String token)
      throws Exception {
    return client.send(
        request(url, token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient client, String url, String token)
      throws Exception {
    return client.send(request(url, token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> delete(HttpClient client, String url, String token)
      throws Exception {
    return client.send(request(url, token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String url, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json");
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }
}
