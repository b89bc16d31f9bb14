package io.crossmodal.ingest.internal.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the answers to requests that carried an {@code Idempotency-Key}, so a retried POST gets
 * the first answer back instead of creating a second item. Bounded (least recently used entries go
 * first) and time-limited. Per instance: behind a load balancer a retry may reach another instance,
 * which is why a request without an explicit id gets one derived from its key ({@link #mediaId}):
 * the retry then rewrites the same item instead of adding one. Thread safe.
 */
final class IdempotencyKeys {
  /** The first answer to a key, and a fingerprint of the request it answered. */
  record Answer(String fingerprint, int status, String body, long atMillis) {}

  private final long ttlMillis;
  private final Map<String, Answer> answers;

  IdempotencyKeys(int maxEntries, long ttlMillis) {
    this.ttlMillis = ttlMillis;
    this.answers =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
            return size() > maxEntries;
          }
        };
  }

  synchronized Answer get(String key, long now) {
    Answer a = answers.get(key);
    if (a != null && now - a.atMillis() > ttlMillis) {
      answers.remove(key);
      return null;
    }
    return a;
  }

  synchronized void put(String key, Answer answer) {
    answers.putIfAbsent(key, answer);
  }

  /** The media id a keyed request without an id gets: the same for every retry, on any instance. */
  static String mediaId(String key) {
    return "idem-" + sha256(key).substring(0, 32);
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
