package io.crossmodal.model.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several image towers run on the same pixels, their features side by side: a feature layer such as
 * {@code inception_v3:mixed5,block_13_expand/96} (parts separated by {@value #SEPARATOR}). Two
 * networks see a drawing differently, and their features together retrieved better on the
 * validation split than either alone (docs/model-card.md). Every part takes the same [0, 1] pixels,
 * so one preprocessed batch feeds them all; a part that names a smaller size of its own ({@link
 * ResampledImageTower}) shrinks them first.
 *
 * <p>Not thread safe, as its parts are not; {@link #close()} closes every part.
 */
public final class ConcatenatedImageTower implements ImageTower {
  public static final String SEPARATOR = ",";

  private final List<ImageTower> parts;
  private final String layer;
  private final int featureDim;

  private ConcatenatedImageTower(List<ImageTower> parts, String layer) {
    this.parts = List.copyOf(parts);
    this.layer = layer;
    this.featureDim = parts.stream().mapToInt(ImageTower::featureDim).sum();
  }

  /** Whether a feature layer names several towers. */
  public static boolean names(String layer) {
    return layer.contains(SEPARATOR);
  }

  /** The parts' feature layers, in order (one element for a single tower's layer). */
  public static List<String> parts(String layer) {
    List<String> parts = Arrays.stream(layer.split(SEPARATOR, -1)).map(String::strip).toList();
    if (parts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("an empty part in the feature layer '" + layer + "'");
    }
    return parts;
  }

  /**
   * Loads every part in {@code runtime} at the same input size; closes what it loaded if one part
   * fails.
   */
  static ConcatenatedImageTower load(
      ImageRuntime runtime, int inputSize, String layer, int threads) {
    List<ImageTower> loaded = new ArrayList<>();
    try {
      for (String part : parts(layer)) {
        loaded.add(runtime.load(inputSize, part, threads));
      }
      return new ConcatenatedImageTower(loaded, layer);
    } catch (RuntimeException e) {
      loaded.forEach(ImageTower::close);
      throw e;
    }
  }

  /** Where a feature layer's weights come from, each part's source joined with " ; ". */
  public static String provenance(String layer) {
    List<String> sources = new ArrayList<>();
    for (String part : parts(layer)) {
      Part p = Part.of(part, 0);
      String source =
          InceptionV3Tower.names(p.network())
              ? InceptionV3Tower.provenance(p.network())
              : MobileNetV3Tower.names(p.network())
                  ? MobileNetV3Tower.provenance(p.network())
                  : MobileNetV2Tower.provenance(p.network());
      sources.add(source + (p.resampled() ? ", at " + p.size() + " px (area-shrunk)" : ""));
    }
    return String.join(" ; ", sources);
  }

  /**
   * Multiply-adds of one image through every part, each at its own input size ({@code inputSize}
   * unless it names one).
   */
  public static long multiplyAdds(int inputSize, String layer) {
    long total = 0;
    for (String part : parts(layer)) {
      Part p = Part.of(part, inputSize);
      total +=
          InceptionV3Tower.names(p.network())
              ? InceptionV3Tower.multiplyAdds(p.size(), p.network())
              : MobileNetV3Tower.names(p.network())
                  ? MobileNetV3Tower.multiplyAdds(p.size(), p.network())
                  : MobileNetV2Graph.multiplyAdds(
                      MobileNetV2Tower.archive(), p.size(), p.network());
    }
    return total;
  }

  /**
   * One part of a feature layer: its network's layer and the size it runs at (its own if it names
   * one).
   */
  private record Part(String network, int size, boolean resampled) {
    static Part of(String part, int inputSize) {
      return ResampledImageTower.names(part)
          ? new Part(
              ResampledImageTower.innerLayer(part), ResampledImageTower.innerSize(part), true)
          : new Part(part, inputSize, false);
    }
  }

  @Override
  public int inputSize() {
    return parts.get(0).inputSize();
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public int featureDim() {
    return featureDim;
  }

  @Override
  public float[][] features(float[] pixels, int n) {
    float[][] out = new float[n][featureDim];
    int offset = 0;
    for (ImageTower part : parts) {
      float[][] f = part.features(pixels, n);
      for (int i = 0; i < n; i++) {
        System.arraycopy(f[i], 0, out[i], offset, f[i].length);
      }
      offset += part.featureDim();
    }
    return out;
  }

  @Override
  public void close() {
    parts.forEach(ImageTower::close);
  }
}
