package io.crossmodal.model.train;

import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.media.InvalidImageException;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.image.ConcatenatedImageTower;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import io.crossmodal.model.image.InceptionV3Tower;
import io.crossmodal.model.image.MobileNetV2Graph;
import io.crossmodal.model.image.MobileNetV2Tower;
import io.crossmodal.model.image.MobileNetV3Tower;
import io.crossmodal.model.image.OnnxImageTower;
import io.crossmodal.model.image.SpatialPooling;
import io.crossmodal.model.image.TunedLayer;
import io.crossmodal.model.joint.ModelFile;
import io.crossmodal.model.joint.ModelSpec;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.text.TextTower;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fills the {@link FeatureStore}s with frozen-tower features for every item and caption that lacks
 * them, in batches, saving as it goes; prints progress with an ETA.
 */
public final class FeatureExtractor {
  private static final int BATCH = 32;
  private static final int SAVE_EVERY = 1024;

  private FeatureExtractor() {}

  public static Path imageFeatureFile(Path cacheDir, int imageSize, String layer) {
    if (ConcatenatedImageTower.names(layer)
        || InceptionV3Tower.names(layer)
        || MobileNetV3Tower.names(layer)) {
      return cacheDir.resolve(
          "image-"
              + layer.replace(':', '-').replace('+', '_').replace(',', '~').replace("/", "-px")
              + "-"
              + imageSize
              + ".bin");
    }
    // The top's file keeps its old name, so caches made before layers could be chosen stay valid.
    return cacheDir.resolve(
        "image-mobilenetv2-"
            + imageSize
            + (layer.equals(MobileNetV2Tower.TOP) ? "" : "-" + layer.replace("/", "-px"))
            + ".bin");
  }

  public static Path textFeatureFile(Path cacheDir, TextModel textModel) {
    return cacheDir.resolve(textModel.cacheFile());
  }

  /**
   * Images whose file cannot be decoded are reported and left out (they have no key in the store).
   * The tower runs in the default {@link ImageRuntime}; both runtimes give the same features
   * (within 1e-4), so a cache filled by either serves both.
   */
  public static FeatureStore images(List<Item> items, int imageSize, String layer, Path cacheDir)
      throws IOException {
    return images(items, imageSize, layer, cacheDir, ImageView.ORIGINAL);
  }

  /**
   * The features of one view of every image ({@link ImageView}; {@code train --augment}), each view
   * other than the original cached in files of its own.
   */
  public static FeatureStore images(
      List<Item> items, int imageSize, String layer, Path cacheDir, ImageView view)
      throws IOException {
    if (ConcatenatedImageTower.names(layer)) {
      return concatenated(items, imageSize, layer, cacheDir, view);
    }
    if (SpatialPooling.of(layer) != SpatialPooling.MEAN) {
      if (view != ImageView.ORIGINAL) {
        throw new IllegalArgumentException("a pooling study (" + layer + ") has no other views");
      }
      return pooled(items, imageSize, layer, cacheDir);
    }
    try (ImageTower tower = ImageRuntime.DEFAULT.load(imageSize, layer, cores())) {
      return images(
          items, tower, viewFile(imageFeatureFile(cacheDir, imageSize, layer), view), view);
    }
  }

  static Path viewFile(Path file, ImageView view) {
    return view == ImageView.ORIGINAL
        ? file
        : Path.of(file.toString().replaceFirst("\\.bin$", "-" + view.key() + ".bin"));
  }

  /**
   * The features of a model with a tuned layer ({@link ModelFile.LoadedModel#tuned()}): its tower
   * with those weights, cached under the model's id (a model without one uses {@link #images}).
   */
  public static FeatureStore imagesOfTuned(
      List<Item> items, ModelFile.LoadedModel model, Path cacheDir) throws IOException {
    ModelSpec spec = model.spec();
    if (model.tuned() == null) {
      throw new IllegalArgumentException(
          spec.modelId() + " has no tuned layer: its features are the frozen tower's");
    }
    try (ImageTower tower =
        ImageRuntime.DEFAULT.load(spec.imageSize(), spec.imageLayer(), cores(), model.tuned())) {
      return images(
          items, tower, cacheDir.resolve("image-" + spec.modelId() + ".bin"), ImageView.ORIGINAL);
    }
  }

  /**
   * The spatial input of a 1×1 feature layer ({@link MobileNetV2Graph#inputOf}), flattened
   * channel-first: what training that layer ({@code train --tune-layer}) reads.
   */
  public static FeatureStore layerInputs(
      List<Item> items, int imageSize, String layer, Path cacheDir) throws IOException {
    String tap = MobileNetV2Graph.inputOf(MobileNetV2Tower.archive(), layer);
    try (ImageTower tower = OnnxImageTower.tap(imageSize, layer, tap, cores())) {
      return images(
          items,
          tower,
          cacheDir.resolve("image-mobilenetv2-" + imageSize + "-" + tap + "-spatial.bin"),
          ImageView.ORIGINAL);
    }
  }

  /**
   * Several towers' features side by side, from each part's own cache: the same pixels go through
   * every part, so this equals what {@link ConcatenatedImageTower} computes (tested) without
   * running a tower whose features are cached already. Held in memory: a file of its own would only
   * repeat the parts' files.
   */
  private static FeatureStore concatenated(
      List<Item> items, int imageSize, String layer, Path cacheDir, ImageView view)
      throws IOException {
    List<FeatureStore> parts = new ArrayList<>();
    for (String part : ConcatenatedImageTower.parts(layer)) {
      parts.add(images(items, imageSize, part, cacheDir, view));
    }
    FeatureStore store = FeatureStore.inMemory(parts.stream().mapToInt(FeatureStore::dim).sum());
    for (Item item : items) {
      if (!parts.stream().allMatch(p -> p.contains(item.id()))) {
        continue;
      }
      float[] row = new float[store.dim()];
      int offset = 0;
      for (FeatureStore p : parts) {
        float[] f = p.get(item.id());
        System.arraycopy(f, 0, row, offset, f.length);
        offset += f.length;
      }
      store.put(item.id(), row);
    }
    return store;
  }

  /** A pooling study's features ({@link SpatialPooling}), from the feature layer's cached input. */
  private static FeatureStore pooled(
      List<Item> items, int imageSize, String featureLayer, Path cacheDir) throws IOException {
    String layer = SpatialPooling.layer(featureLayer);
    SpatialPooling pooling = SpatialPooling.of(featureLayer);
    TunedLayer weights = MobileNetV2Graph.pretrained(MobileNetV2Tower.archive(), layer);
    FeatureStore inputs = layerInputs(items, imageSize, layer, cacheDir);
    FeatureStore store =
        FeatureStore.open(
            imageFeatureFile(cacheDir, imageSize, featureLayer), pooling.dim(weights.out()));
    for (Item item : items) {
      if (!store.contains(item.id()) && inputs.contains(item.id())) {
        store.put(item.id(), pooling.pool(weights, inputs.get(item.id())));
      }
    }
    store.save();
    return store;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static FeatureStore images(List<Item> items, ImageTower tower, Path file, ImageView view)
      throws IOException {
    int imageSize = tower.inputSize();
    String layer = tower.layer();
    FeatureStore store = FeatureStore.open(file, tower.featureDim());
    List<Item> missing = items.stream().filter(i -> !store.contains(i.id())).toList();
    if (missing.isEmpty()) {
      return store;
    }
    ImagePreprocessor pre = new ImagePreprocessor(imageSize);
    ImageDecoder decoder = new ImageDecoder(64 << 20, 100_000_000L);
    Progress progress =
        new Progress(
            "image features "
                + layer
                + " @"
                + imageSize
                + "px"
                + (view == ImageView.ORIGINAL ? "" : ", " + view.key()),
            missing.size());
    float[] buffer = new float[BATCH * pre.length()];
    List<String> keys = new ArrayList<>();
    int sinceSave = 0;
    for (Item item : missing) {
      try {
        var image = decoder.decode(Files.readAllBytes(Path.of(item.image())));
        pre.writeChw(view.apply(image), buffer, keys.size() * pre.length());
        keys.add(item.id());
      } catch (InvalidImageException e) {
        System.err.println("skipping " + item.image() + ": " + e.getMessage());
      }
      if (keys.size() == BATCH) {
        flush(tower, buffer, keys, store);
        sinceSave += BATCH;
      }
      progress.step(1);
      if (sinceSave >= SAVE_EVERY) {
        store.save();
        sinceSave = 0;
      }
    }
    flush(tower, buffer, keys, store);
    store.save();
    progress.done();
    return store;
  }

  private static void flush(
      ImageTower tower, float[] buffer, List<String> keys, FeatureStore store) {
    if (keys.isEmpty()) {
      return;
    }
    float[][] f = tower.features(buffer, keys.size());
    for (int i = 0; i < keys.size(); i++) {
      store.put(keys.get(i), f[i]);
    }
    keys.clear();
  }

  public static FeatureStore texts(List<Item> items, TextModel textModel, Path cacheDir)
      throws IOException {
    List<String> captions = new ArrayList<>();
    items.forEach(i -> captions.addAll(i.captions()));
    return texts(captions, textModel, cacheDir);
  }

  /** Features of any texts (captions, benchmark queries), cached like the captions'. */
  public static FeatureStore texts(Collection<String> texts, TextModel textModel, Path cacheDir)
      throws IOException {
    FeatureStore store =
        FeatureStore.open(textFeatureFile(cacheDir, textModel), TextTower.FEATURE_DIM);
    Set<String> missing = new LinkedHashSet<>();
    for (String c : texts) {
      if (!store.contains(c)) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return store;
    }
    Progress progress = new Progress("text features " + textModel.key(), missing.size());
    try (TextTower tower = TextTower.load(textModel, Runtime.getRuntime().availableProcessors())) {
      List<String> all = new ArrayList<>(missing);
      for (int start = 0; start < all.size(); start += BATCH) {
        List<String> batch = all.subList(start, Math.min(all.size(), start + BATCH));
        float[][] f = tower.features(batch);
        for (int i = 0; i < batch.size(); i++) {
          store.put(batch.get(i), f[i]);
        }
        progress.step(batch.size());
      }
    }
    store.save();
    progress.done();
    return store;
  }
}
