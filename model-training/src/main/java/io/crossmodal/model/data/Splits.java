package io.crossmodal.model.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic split by item id: the same id always lands in the same split, whatever the order or
 * number of other items, so rebuilding the dataset never leaks test items into training.
 */
public final class Splits {
  /**
   * Percent of title groups in test and validation; 25% of ≈ 4,600 distinct titles gives ≥ 1,000
   * test images.
   */
  public static final int TEST_PERCENT = 25;

  public static final int VAL_PERCENT = 8;

  private Splits() {}

  public static String of(String id) {
    int bucket = bucket(id);
    if (bucket < TEST_PERCENT) {
      return "test";
    }
    return bucket < TEST_PERCENT + VAL_PERCENT ? "val" : "train";
  }

  /**
   * The items of {@code percent} % of the concepts of {@code items} (a concept: the first caption,
   * lower-cased), chosen by a hash of the concept, so every image of a concept stays together and a
   * smaller subset lies inside a larger one (what a data-scaling table needs).
   */
  public static List<Item> subset(List<Item> items, int percent) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("a subset is 1 to 100 percent, got " + percent);
    }
    return items.stream()
        .filter(
            i -> bucket("subset:" + i.captions().get(0).strip().toLowerCase(Locale.ROOT)) < percent)
        .toList();
  }

  /** A stable pseudo-random order key for ids (used to pick unbiased samples). */
  public static String bucketKey(String id) {
    return String.format("%05d", bucket("order:" + id) * 1000 + Math.floorMod(id.hashCode(), 1000))
        + id;
  }

  static int bucket(String id) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(("split:" + id).getBytes(StandardCharsets.UTF_8));
      return Math.floorMod(((h[0] & 0xff) << 8) | (h[1] & 0xff), 100);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
