package io.crossmodal.ingest.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code multipart/form-data} body (RFC 7578): named parts with their bytes and content
 * type. Small and strict: what browsers and {@code curl -F} send, nothing more.
 */
final class MultipartForm {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");

  /** One form field or file. */
  public record Part(String name, String contentType, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Map<String, Part> parts;

  private MultipartForm(Map<String, Part> parts) {
    this.parts = parts;
  }

  public Part part(String name) {
    return parts.get(name);
  }

  /**
   * @throws IllegalArgumentException naming what is wrong with the body
   */
  public static MultipartForm parse(String contentType, byte[] body) {
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) {
      throw new IllegalArgumentException("multipart Content-Type without a boundary");
    }
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Part> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw new IllegalArgumentException("multipart body without its boundary");
    }
    while (true) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // closing delimiter
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        throw new IllegalArgumentException("multipart body is truncated (no closing boundary)");
      }
      int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      if (headerEnd < 0 || headerEnd > next) {
        throw new IllegalArgumentException("multipart part without headers");
      }
      String headers = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
      byte[] content = Arrays.copyOfRange(body, headerEnd + 4, Math.max(headerEnd + 4, next - 2));
      String name = null;
      String type = "text/plain";
      for (String line : headers.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-disposition:")) {
          Matcher n = NAME.matcher(line);
          name = n.find() ? n.group(1) : null;
        } else if (lower.startsWith("content-type:")) {
          type = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      if (name != null) {
        parts.put(name, new Part(name, type, content));
      }
      at = next;
    }
    return new MultipartForm(parts);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
