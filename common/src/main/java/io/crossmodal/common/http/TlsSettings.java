package io.crossmodal.common.http;

import io.crossmodal.common.config.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for every service's HTTP, from keystore files (PKCS12 or JKS, by the file's content): the
 * service's certificate and key ({@code http.tls.keystore}), and whom to trust ({@code
 * http.tls.truststore}) — the peers' and the encoder's certificates when this service calls them,
 * and the clients' when client certificates are asked for ({@code http.tls.client.auth} = {@code
 * want} or {@code need}). The same material serves both directions, so the search instances and the
 * encoder talk TLS (and mutual TLS with {@code need}) to each other with nothing else to set up.
 * Empty keystore = plain HTTP (the local default).
 *
 * @param clientAuth {@code none}, {@code want} or {@code need}
 */
public record TlsSettings(
    String keystore,
    String keystorePassword,
    String truststore,
    String truststorePassword,
    String clientAuth) {
  public TlsSettings {
    clientAuth = clientAuth.toLowerCase(Locale.ROOT);
    if (!clientAuth.equals("none") && !clientAuth.equals("want") && !clientAuth.equals("need")) {
      throw new IllegalArgumentException(
          "http.tls.client.auth must be none, want or need, got " + clientAuth);
    }
  }

  public static TlsSettings of(Config c) {
    TlsSettings t =
        new TlsSettings(
            c.get("http.tls.keystore"),
            c.get("http.tls.keystore.password"),
            c.get("http.tls.truststore"),
            c.get("http.tls.truststore.password"),
            c.get("http.tls.client.auth"));
    if (t.enabled()) {
      t.context(); // unreadable files or wrong passwords fail at start-up, naming the key
    }
    return t;
  }

  public static TlsSettings none() {
    return new TlsSettings("", "", "", "", "none");
  }

  public boolean enabled() {
    return !keystore.isBlank();
  }

  /** {@code https} with TLS on, else {@code http}: how others reach this service. */
  public String scheme() {
    return enabled() ? "https" : "http";
  }

  /** Keys from the keystore, trust from the truststore (or the JDK's defaults when none is set). */
  public SSLContext context() {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(
          load(keystore, keystorePassword, "http.tls.keystore"), keystorePassword.toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(
          truststore.isBlank()
              ? null
              : load(truststore, truststorePassword, "http.tls.truststore"));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "http.tls.keystore / http.tls.truststore unusable: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(String file, String password, String key) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      // KeyStore.getInstance(File, …) would detect the type; from a stream, PKCS12 is tried, then
      // JKS.
      byte[] bytes = in.readAllBytes();
      for (String type : new String[] {"PKCS12", "JKS"}) {
        try {
          KeyStore ks = KeyStore.getInstance(type);
          ks.load(new ByteArrayInputStream(bytes), password.toCharArray());
          return ks;
        } catch (IOException | GeneralSecurityException e) {
          if (type.equals("JKS")) {
            throw new IllegalArgumentException(
                key
                    + " "
                    + file
                    + " is not a PKCS12 or JKS keystore this password opens: "
                    + e.getMessage(),
                e);
          }
        }
      }
      throw new IllegalStateException("unreachable");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          key + " " + file + " cannot be read: " + e.getMessage(), e);
    }
  }
}
