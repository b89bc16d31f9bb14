package io.crossmodal.search.lexical;

import io.crossmodal.common.errors.RejectedRecordException;
import io.crossmodal.common.event.EncodedQuery;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The term statistics of the whole index, every shard's summed: what BM25 scores with, so that an
 * item's lexical score does not depend on which shard holds it or how many shards there are (a
 * shard's own statistics would give one item different scores in a 1-shard and a 6-shard
 * deployment, and rankings merged from shards would not be comparable).
 *
 * <p>Each shard publishes its own counts on the compacted {@code search.lexical-stats.internal}
 * topic ({@link #termKey}: the number of its items that contain a term; {@link #collectionKey}: its
 * item count, summed distinct terms and summed lengths); every search instance follows the topic as
 * a global store and keeps the sums here. Thread safe: written by the global stream thread, read by
 * every search.
 */
public final class CorpusStats {
  /**
   * The whole index's counts for one field: items, summed distinct terms per item, summed lengths.
   */
  public record Collection(long docs, long sumDocFreq, long sumLength) {
    public static final Collection EMPTY = new Collection(0, 0, 0);
  }

  private final Map<String, Long> perKey = new ConcurrentHashMap<>();
  private final Map<String, Long> docFreq = new ConcurrentHashMap<>();
  private final Map<Integer, Collection> collections = new ConcurrentHashMap<>();

  public static String termKey(int partition, String term) {
    return partition + ":" + term;
  }

  public static String collectionKey(int partition) {
    return partition + "#";
  }

  public static byte[] collectionValue(Collection c) {
    return (c.docs() + "," + c.sumDocFreq() + "," + c.sumLength()).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] termValue(long count) {
    return Long.toString(count).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Applies one shard's whole counts, as its records on the topic would: for one process that holds
   * every shard (evaluation, tests).
   */
  public CorpusStats withShard(int partition, Map<String, Long> termCounts, Collection collection) {
    termCounts.forEach((t, n) -> apply(termKey(partition, t), termValue(n)));
    apply(collectionKey(partition), collectionValue(collection));
    return this;
  }

  /** Items in the whole index whose text contains {@code term}. */
  public long docFreq(String term) {
    return docFreq.getOrDefault(term, 0L);
  }

  public Collection collection() {
    long docs = 0, sumDocFreq = 0, sumLength = 0;
    for (Collection c : collections.values()) {
      docs += c.docs();
      sumDocFreq += c.sumDocFreq();
      sumLength += c.sumLength();
    }
    return new Collection(docs, sumDocFreq, sumLength);
  }

  /**
   * Applies one record of the statistics topic (null value: the count is gone); throws {@link
   * RejectedRecordException} ({@code invalid-lexical-stat}) for a record no shard writes, and then
   * changes nothing.
   */
  public void apply(String key, byte[] value) {
    int cut = key == null ? -1 : indexOfSeparator(key);
    if (cut <= 0) {
      throw new RejectedRecordException(
          "invalid-lexical-stat", "key must be '<shard>:<term>' or '<shard>#', got " + key);
    }
    int partition;
    try {
      partition = Integer.parseInt(key.substring(0, cut));
    } catch (NumberFormatException e) {
      throw new RejectedRecordException(
          "invalid-lexical-stat", "key must start with a shard number, got " + key);
    }
    if (partition < 0 || partition >= EncodedQuery.MAX_SHARDS) {
      throw new RejectedRecordException(
          "invalid-lexical-stat", "shard " + partition + " is out of range");
    }
    String text = value == null ? null : new String(value, StandardCharsets.UTF_8);
    if (key.charAt(cut) == '#') {
      if (key.length() != cut + 1) {
        throw new RejectedRecordException(
            "invalid-lexical-stat", "a collection key ends at '#', got " + key);
      }
      Collection c = value == null ? null : parseCollection(text);
      if (c == null) {
        collections.remove(partition);
      } else {
        collections.put(partition, c);
      }
      return;
    }
    String term = key.substring(cut + 1);
    if (term.isEmpty()) {
      throw new RejectedRecordException("invalid-lexical-stat", "empty term in key " + key);
    }
    long count = value == null ? 0 : parseCount(text);
    Long before = count == 0 ? perKey.remove(key) : perKey.put(key, count);
    long delta = count - (before == null ? 0 : before);
    if (delta != 0) {
      docFreq.merge(term, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  private static int indexOfSeparator(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == ':' || c == '#') {
        return i;
      }
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return -1;
  }

  private static long parseCount(String text) {
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new RejectedRecordException(
        "invalid-lexical-stat", "a term count must be a non-negative integer, got '" + text + "'");
  }

  private static Collection parseCollection(String text) {
    String[] parts = text.split(",", -1);
    if (parts.length == 3) {
      try {
        Collection c =
            new Collection(
                Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        if (c.docs() >= 0 && c.sumDocFreq() >= c.docs() && c.sumLength() >= c.sumDocFreq()) {
          return c;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    throw new RejectedRecordException(
        "invalid-lexical-stat",
        "collection counts must be 'docs,sumDocFreq,sumLength' with docs <= sumDocFreq <= sumLength, got '"
            + text
            + "'");
  }
}
