package io.crossmodal.common.http;

import com.sun.net.httpserver.HttpExchange;
import io.crossmodal.common.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bearer-token authentication for every public API, one rule for all services. Tokens carry one
 * right each: {@link Right#READ} (search, media lookups, {@code POST /v1/encode}) or {@link
 * Right#WRITE} (ingest); the services' shared {@code auth.internal.token} holds every right and is
 * what the search instances and the encoder use with each other ({@link Right#INTERNAL} endpoints
 * accept only it). Tokens come from {@code auth.read.tokens} / {@code auth.write.tokens} (comma
 * separated, e.g. from {@code CROSSMODAL_AUTH_READ_TOKENS}) and from {@code auth.tokens.file}
 * (lines {@code read <token>} or {@code write <token>}, {@code #} comments).
 *
 * <p>With no read or write token configured the public APIs are open (the local default); the
 * internal endpoints then need the internal token only if one is set. Only SHA-256 digests of the
 * tokens are kept, compared in constant time against every known token, never logged. A request
 * without a token gets 401 (with {@code WWW-Authenticate}), one with an unknown token or without
 * the right 403, each with its reason. {@code GET} requests may pass the token as {@code
 * ?access_token=} instead, for what a browser loads by URL ({@code <img src>}). Thread safe.
 */
public final class Authenticator {
  /** What a request may do. */
  public enum Right {
    READ,
    WRITE,
    /** Service to service only: the internal token. */
    INTERNAL
  }

  private record Token(byte[] digest, Right right) {}

  private final List<Token> tokens;
  private final String internalToken;

  /** Whether any read or write token is configured (the public APIs then need one). */
  private final boolean enabled;

  Authenticator(List<Token> tokens, String internalToken) {
    this.tokens = List.copyOf(tokens);
    this.internalToken = internalToken;
    this.enabled = tokens.stream().anyMatch(t -> t.right() != Right.INTERNAL);
  }

  /**
   * Fails at start-up, naming the key, when auth is on without an internal token or a token file is
   * unreadable.
   */
  public static Authenticator of(Config c) {
    List<Token> tokens = new ArrayList<>();
    add(tokens, c.get("auth.read.tokens"), Right.READ);
    add(tokens, c.get("auth.write.tokens"), Right.WRITE);
    String file = c.get("auth.tokens.file");
    if (!file.isBlank()) {
      readFile(tokens, Path.of(file));
    }
    String internal = c.get("auth.internal.token");
    if (!tokens.isEmpty() && internal.isBlank()) {
      throw new IllegalArgumentException(
          "auth.internal.token is required when auth is on (auth.read.tokens, auth.write.tokens or "
              + "auth.tokens.file): the search instances and the encoder authenticate each other with it");
    }
    if (!internal.isBlank()) {
      tokens.add(new Token(digest(internal), Right.INTERNAL));
    }
    return new Authenticator(tokens, internal);
  }

  /** Authentication off: every request passes. */
  public static Authenticator none() {
    return new Authenticator(List.of(), "");
  }

  /** Whether the public APIs need a token. */
  public boolean enabled() {
    return enabled;
  }

  /** The token services send each other; empty when auth is off. */
  public String internalToken() {
    return internalToken;
  }

  /** Passes, or throws 401 (no token) / 403 (unknown token, or without {@code right}). */
  public void require(HttpExchange ex, Right right) throws HttpError {
    if (right == Right.INTERNAL ? internalToken.isBlank() : !enabled()) {
      return;
    }
    String given = presented(ex);
    if (given == null) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"crossmodal\"");
      throw new HttpError(
          401,
          "missing bearer token (Authorization: Bearer <token>); this endpoint needs the "
              + name(right)
              + " right");
    }
    byte[] d = digest(given);
    boolean known = false;
    boolean allowed = false;
    for (Token t :
        tokens) { // every token compared, in constant time each: no timing hint of which matched
      boolean match = MessageDigest.isEqual(d, t.digest());
      known |= match;
      allowed |= match && (t.right() == right || t.right() == Right.INTERNAL);
    }
    if (!known) {
      throw new HttpError(403, "invalid bearer token");
    }
    if (!allowed) {
      throw new HttpError(403, "this token lacks the " + name(right) + " right");
    }
  }

  private static String presented(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header != null
        && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && !header.substring(7).isBlank()) {
      return header.substring(7).trim();
    }
    String fromUrl =
        ex.getRequestMethod().equals("GET") ? HttpService.queryParam(ex, "access_token") : null;
    return fromUrl == null || fromUrl.isEmpty() ? null : fromUrl;
  }

  private static String name(Right right) {
    return right.name().toLowerCase(Locale.ROOT);
  }

  private static void add(List<Token> tokens, String commaSeparated, Right right) {
    for (String t : commaSeparated.split(",")) {
      if (!t.isBlank()) {
        tokens.add(new Token(digest(t.trim()), right));
      }
    }
  }

  private static void readFile(List<Token> tokens, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "auth.tokens.file " + file + " cannot be read: " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      if (parts.length != 2 || !(parts[0].equals("read") || parts[0].equals("write"))) {
        // The line itself is not quoted: it holds a secret.
        throw new IllegalArgumentException(
            "auth.tokens.file "
                + file
                + " line "
                + (i + 1)
                + ": expected 'read <token>' or 'write <token>'");
      }
      tokens.add(
          new Token(digest(parts[1].trim()), parts[0].equals("read") ? Right.READ : Right.WRITE));
    }
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
