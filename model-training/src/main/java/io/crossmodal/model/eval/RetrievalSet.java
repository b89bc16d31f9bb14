package io.crossmodal.model.eval;

import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.train.FeatureStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One evaluation split as matrices: the images' frozen features, the distinct captions' frozen
 * features, and which captions belong to which images (identical caption text merged into one
 * gallery entry, so it is relevant to every image that has it).
 */
public final class RetrievalSet {
  private final List<Item> images;
  private final List<String> captions;
  private final INDArray imageFeatures;
  private final INDArray textFeatures;
  private final List<Set<Integer>> captionsOfImage;
  private final List<Set<Integer>> imagesOfCaption;

  private RetrievalSet(
      List<Item> images,
      List<String> captions,
      INDArray imageFeatures,
      INDArray textFeatures,
      List<Set<Integer>> captionsOfImage,
      List<Set<Integer>> imagesOfCaption) {
    this.images = images;
    this.captions = captions;
    this.imageFeatures = imageFeatures;
    this.textFeatures = textFeatures;
    this.captionsOfImage = captionsOfImage;
    this.imagesOfCaption = imagesOfCaption;
  }

  /** Items without cached image features (undecodable files) are left out. */
  public static RetrievalSet of(List<Item> items, FeatureStore imageStore, FeatureStore textStore) {
    List<Item> images = items.stream().filter(i -> imageStore.contains(i.id())).toList();
    Map<String, Integer> captionIndex = new LinkedHashMap<>();
    List<Set<Integer>> captionsOfImage = new ArrayList<>();
    List<Set<Integer>> imagesOfCaption = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      Set<Integer> mine = new HashSet<>();
      for (String c : images.get(i).captions()) {
        String key = CaptionText.normalise(c);
        Integer idx = captionIndex.get(key);
        if (idx == null) {
          idx = captionIndex.size();
          captionIndex.put(key, idx);
          imagesOfCaption.add(new HashSet<>());
        }
        mine.add(idx);
        imagesOfCaption.get(idx).add(i);
      }
      captionsOfImage.add(mine);
    }
    // Keep one original spelling per merged caption for the text features.
    List<String> captions = new ArrayList<>(Collections.nCopies(captionIndex.size(), ""));
    for (Item item : images) {
      for (String c : item.captions()) {
        captions.set(captionIndex.get(CaptionText.normalise(c)), c);
      }
    }
    float[][] img = new float[images.size()][];
    for (int i = 0; i < img.length; i++) {
      img[i] = imageStore.get(images.get(i).id());
    }
    return new RetrievalSet(
        images,
        captions,
        Nd4j.create(img),
        textFeatures(captions, textStore),
        captionsOfImage,
        imagesOfCaption);
  }

  /**
   * A set whose "captions" are free queries (e.g. {@link ConceptBenchmark}'s words), each relevant
   * to the images {@code relevant} accepts; the queries' text features must be in {@code
   * textStore}.
   */
  public static RetrievalSet ofQueries(
      List<Item> items,
      List<String> queries,
      BiPredicate<Item, Integer> relevant,
      FeatureStore imageStore,
      FeatureStore textStore) {
    List<Item> images = items.stream().filter(i -> imageStore.contains(i.id())).toList();
    List<Set<Integer>> captionsOfImage = new ArrayList<>();
    List<Set<Integer>> imagesOfCaption = new ArrayList<>();
    queries.forEach(q -> imagesOfCaption.add(new HashSet<>()));
    float[][] img = new float[images.size()][];
    for (int i = 0; i < images.size(); i++) {
      Set<Integer> mine = new HashSet<>();
      for (int q = 0; q < queries.size(); q++) {
        if (relevant.test(images.get(i), q)) {
          mine.add(q);
          imagesOfCaption.get(q).add(i);
        }
      }
      captionsOfImage.add(mine);
      img[i] = imageStore.get(images.get(i).id());
    }
    return new RetrievalSet(
        images,
        List.copyOf(queries),
        Nd4j.create(img),
        textFeatures(queries, textStore),
        captionsOfImage,
        imagesOfCaption);
  }

  private static INDArray textFeatures(List<String> texts, FeatureStore textStore) {
    float[][] txt = new float[texts.size()][];
    for (int i = 0; i < txt.length; i++) {
      txt[i] = textStore.get(texts.get(i));
      if (txt[i] == null) {
        throw new IllegalStateException("no cached text features for: " + texts.get(i));
      }
    }
    return Nd4j.create(txt);
  }

  /** The same images and captions with other image features (one row per image, in order). */
  public RetrievalSet withImageFeatures(INDArray features) {
    if (features.size(0) != images.size()) {
      throw new IllegalArgumentException(
          features.size(0) + " feature rows for " + images.size() + " images");
    }
    return new RetrievalSet(
        images, captions, features, textFeatures, captionsOfImage, imagesOfCaption);
  }

  public List<Item> images() {
    return images;
  }

  public List<String> captions() {
    return captions;
  }

  public INDArray imageFeatures() {
    return imageFeatures;
  }

  public INDArray textFeatures() {
    return textFeatures;
  }

  public List<Set<Integer>> captionsOfImage() {
    return captionsOfImage;
  }

  public List<Set<Integer>> imagesOfCaption() {
    return imagesOfCaption;
  }
}
