package io.crossmodal.model.train;

import io.crossmodal.model.data.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training items as arrays: image features and, per image, each caption's text and features. */
public record TrainingPairs(
    INDArray images, List<float[][]> captionFeatures, List<String[]> captionTexts) {
  /** Items without cached image features (undecodable files) are left out. */
  public static TrainingPairs of(
      List<Item> items,
      FeatureStore imageStore,
      FeatureStore textStore,
      TrainingCaptions captions) {
    List<float[]> img = new ArrayList<>();
    List<float[][]> caps = new ArrayList<>();
    List<String[]> texts = new ArrayList<>();
    for (Item item : items) {
      float[] f = imageStore.get(item.id());
      if (f == null) {
        continue;
      }
      img.add(f);
      String[] t = captions.of(item).toArray(String[]::new);
      float[][] c = new float[t.length][];
      for (int i = 0; i < t.length; i++) {
        c[i] = textStore.get(t[i]);
      }
      caps.add(c);
      texts.add(t);
    }
    return new TrainingPairs(Nd4j.create(img.toArray(float[][]::new)), caps, texts);
  }

  /** These pairs followed by {@code more}'s (e.g. a second view of the same images). */
  public TrainingPairs plus(TrainingPairs more) {
    List<float[][]> caps = new ArrayList<>(captionFeatures);
    caps.addAll(more.captionFeatures());
    List<String[]> texts = new ArrayList<>(captionTexts);
    texts.addAll(more.captionTexts());
    return new TrainingPairs(Nd4j.vstack(images, more.images()), caps, texts);
  }

  /** The features of every distinct caption text, one row each, in first-seen order. */
  public INDArray allCaptionFeatures() {
    Map<String, float[]> distinct = new LinkedHashMap<>();
    for (int i = 0; i < captionTexts.size(); i++) {
      for (int c = 0; c < captionTexts.get(i).length; c++) {
        distinct.putIfAbsent(captionTexts.get(i)[c], captionFeatures.get(i)[c]);
      }
    }
    return Nd4j.create(distinct.values().toArray(float[][]::new));
  }

  public int size() {
    return (int) images.size(0);
  }
}
