package io.crossmodal.model.data;

import io.crossmodal.model.image.InceptionV3Tower;
import io.crossmodal.model.image.MobileNetV3Tower;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the training/evaluation manifest offline: fetches the Debian and npm packages into the
 * cache, pairs images with captions, and writes a JSONL manifest.
 *
 * <p>Deduplication, because clip-art collections repeat one title over hundreds of images (1,375
 * "gramastar" stars): exact duplicate images (same bytes) are dropped; items are grouped by their
 * normalised title and the <em>whole group</em> goes to one split (by a hash of the title), so no
 * test caption was seen in training; evaluation splits keep one item per title and training keeps
 * at most {@link #MAX_PER_TITLE_IN_TRAIN}. The held-out Tux Paint set drops repeated captions. Ids
 * are content hashes, so the same file keeps its id and cached features.
 */
public final class DatasetBuilder {
  /**
   * The images and captions, and WordNet's nouns for the concept benchmark's queries ({@code
   * evaluate}).
   */
  public static final List<String> DEBIAN_PACKAGES =
      List.of(
          "openclipart-png", "openclipart-svg", "tuxpaint-stamps-default", Nouns.DEBIAN_PACKAGE);

  public static final int MAX_PER_TITLE_IN_TRAIN = 3;

  private DatasetBuilder() {}

  public record Summary(
      Map<String, Integer> bySplit, int duplicateImages, int repeatedTitles, Path manifest) {}

  /**
   * Splits of the icon sets' held-out items: reported on their own, so test and val stay as they
   * were.
   */
  public static final String ICONS_TEST = "icons-test";

  public static final String ICONS_VAL = "icons-val";

  /**
   * What to build besides the clip art, the emoji and Tux Paint.
   *
   * @param maxPerTitleInTrain images of one title kept in training
   * @param iconSets the colour {@link IconSetSource} sets to add ({@link IconSetSource#SETS} in the
   *     shipped recipe; their held-out concepts go to {@link #ICONS_TEST} / {@link #ICONS_VAL})
   */
  public record Options(int maxPerTitleInTrain, List<IconSetSource.IconSet> iconSets) {
    public Options {
      iconSets = List.copyOf(iconSets);
    }
  }

  /**
   * Where {@link #build} unpacks WordNet's noun index (the concept benchmark's vocabulary) under
   * {@code cache}.
   */
  public static Path nounIndex(Path cache) {
    return DebianPackages.root(cache.resolve("debian")).resolve(Nouns.INDEX);
  }

  public static Summary build(Path cache, Path manifest, Options options)
      throws IOException, InterruptedException {
    int maxPerTitleInTrain = options.maxPerTitleInTrain();
    Path root = new DebianPackages(cache.resolve("debian")).unpack(DEBIAN_PACKAGES);
    NpmPackages npm = new NpmPackages(cache.resolve("npm"));
    Path emoji = npm.unpack(EmojiSource.PACKAGE, EmojiSource.VERSION);
    // Training reads the emoji keyword lists from the cache (captions of the training split only).
    npm.unpack(EmojiKeywords.PACKAGE, EmojiKeywords.VERSION);
    // The InceptionV3 image tower (train --image-layer inception_v3:…) reads its weights from the
    // cache.
    npm.unpack(InceptionV3Tower.PACKAGE, InceptionV3Tower.VERSION);
    // So is the MobileNetV3 detector backbone's (train --image-layer mobilenet_v3:…).
    npm.unpack(MobileNetV3Tower.PACKAGE, MobileNetV3Tower.VERSION);
    Set<String> seenImages = new HashSet<>();
    int[] duplicateImages = {0};
    List<Item> items = new ArrayList<>();
    List<Item> captioned = new ArrayList<>(OpenClipartSource.read(root));
    captioned.addAll(EmojiSource.read(emoji));
    Map<String, Integer> perTitle = new HashMap<>();
    int repeated = 0;
    for (Item raw : captioned) {
      repeated +=
          addByTitle(
              raw,
              title -> Splits.of("title:" + title),
              maxPerTitleInTrain,
              seenImages,
              duplicateImages,
              perTitle,
              items);
    }
    if (!options.iconSets().isEmpty()) {
      repeated +=
          addIconSets(
              options.iconSets(),
              cache,
              npm,
              items,
              seenImages,
              duplicateImages,
              perTitle,
              maxPerTitleInTrain);
    }
    Set<String> seenCaptions = new HashSet<>();
    for (Item raw : TuxPaintSource.read(root)) {
      Item item = withContentId(raw, seenImages, duplicateImages);
      if (item == null) {
        continue;
      }
      if (seenCaptions.add(CaptionText.normalise(item.captions().get(0)))) {
        items.add(withSplit(item, TuxPaintSource.SPLIT));
      } else {
        repeated++;
      }
    }
    Path base = manifest.toAbsolutePath().getParent();
    Manifest.write(
        manifest,
        items.stream()
            .map(
                i ->
                    new Item(
                        i.id(),
                        base.relativize(Path.of(i.image()).toAbsolutePath()).toString(),
                        i.captions(),
                        i.source(),
                        i.licence(),
                        i.split(),
                        i.category()))
            .toList());
    Map<String, Integer> bySplit = new LinkedHashMap<>();
    items.forEach(i -> bySplit.merge(i.split(), 1, Integer::sum));
    return new Summary(bySplit, duplicateImages[0], repeated, manifest);
  }

  /**
   * Adds the icon sets' items. A concept keeps the split its title hashes to, except that a concept
   * already named by a held-out item (its title or one of its keyword phrases: "dog" of "dog face:
   * dog, pet") joins that item's split, so no held-out concept is trained on in another style. The
   * held-out icons go to their own splits; test and val keep exactly their items.
   */
  private static int addIconSets(
      List<IconSetSource.IconSet> sets,
      Path cache,
      NpmPackages npm,
      List<Item> items,
      Set<String> seenImages,
      int[] duplicates,
      Map<String, Integer> perTitle,
      int maxPerTitleInTrain)
      throws IOException, InterruptedException {
    Map<String, String> heldOut = heldOutConcepts(items);
    int repeated = 0;
    for (IconSetSource.IconSet set : sets) {
      Path root = npm.unpack(set.packageName(), set.version());
      for (Item raw : IconSetSource.read(set, root, cache.resolve("icons").resolve(set.name()))) {
        repeated +=
            addByTitle(
                raw,
                title -> iconSplit(title, heldOut),
                maxPerTitleInTrain,
                seenImages,
                duplicates,
                perTitle,
                items);
      }
    }
    return repeated;
  }

  /** Each held-out item's title and keyword phrases (normalised), with the item's split. */
  static Map<String, String> heldOutConcepts(List<Item> items) {
    Map<String, String> heldOut = new HashMap<>();
    for (Item i : items) {
      if (i.split().equals("train")) {
        continue;
      }
      for (String c : i.captions()) {
        heldOut.putIfAbsent(CaptionText.normalise(CaptionText.title(c)), i.split());
        for (String k : CaptionText.keywordPhrases(c)) {
          heldOut.putIfAbsent(CaptionText.normalise(k), i.split());
        }
      }
    }
    return heldOut;
  }

  /**
   * The split of an icon concept (normalised title): train, {@link #ICONS_VAL} or {@link
   * #ICONS_TEST}.
   */
  static String iconSplit(String title, Map<String, String> heldOut) {
    String split = heldOut.getOrDefault(title, Splits.of("title:" + title));
    return split.equals("train") ? split : split.equals("val") ? ICONS_VAL : ICONS_TEST;
  }

  /**
   * Adds {@code raw} with its content id under the split its normalised title maps to, unless the
   * same bytes were seen before or its title already has its share (up to {@code
   * maxPerTitleInTrain} in training, one elsewhere); returns 1 when it was left out for its title.
   */
  private static int addByTitle(
      Item raw,
      Function<String, String> splitOfTitle,
      int maxPerTitleInTrain,
      Set<String> seenImages,
      int[] duplicates,
      Map<String, Integer> perTitle,
      List<Item> items)
      throws IOException {
    Item item = withContentId(raw, seenImages, duplicates);
    if (item == null) {
      return 0;
    }
    String title = CaptionText.normalise(item.captions().get(0));
    String split = splitOfTitle.apply(title);
    if (perTitle.merge(title, 1, Integer::sum) > (split.equals("train") ? maxPerTitleInTrain : 1)) {
      return 1;
    }
    items.add(withSplit(item, split));
    return 0;
  }

  /** The item with its content-hash id, or null when the same image bytes were seen before. */
  private static Item withContentId(Item item, Set<String> seen, int[] duplicates)
      throws IOException {
    String hash = sha256(Files.readAllBytes(Path.of(item.image())));
    if (!seen.add(hash)) {
      duplicates[0]++;
      return null;
    }
    String id = item.source() + "-" + hash.substring(0, 16);
    return new Item(
        id,
        item.image(),
        item.captions(),
        item.source(),
        item.licence(),
        item.split(),
        item.category());
  }

  private static Item withSplit(Item i, String split) {
    return new Item(i.id(), i.image(), i.captions(), i.source(), i.licence(), split, i.category());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
