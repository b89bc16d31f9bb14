package io.crossmodal.model.train;

import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Training items as arrays: image features and, per image, each caption's text and features. */
public record TrainingPairs(INDArray images, List<float[][]> captionFeatures, List<String[]> captionTexts) {
  /**
   * An item's training captions: its own, and with {@code keywordPhrases} also each keyword phrase
   * of a {@code "title: keyword, keyword …"} caption on its own ("dog", "red apple") and each of
   * its {@link EmojiKeywords}, because people query with a word or two while the data's captions
   * are titles and keyword lists. Only training uses them: evaluation splits keep their captions as
   * the manifest has them.
   */
  public static List<String> captionsOf(Item item, boolean keywordPhrases, EmojiKeywords emojiKeywords) {
    if (!keywordPhrases) {
      return item.captions();
    }
    Map<String, String> captions = new LinkedHashMap<>();
    item.captions().forEach(c -> captions.putIfAbsent(CaptionText.normalise(c), c));
    emojiKeywords.of(item).forEach(k -> captions.putIfAbsent(CaptionText.normalise(k), k));
    for (String c : item.captions()) {
      for (String p : CaptionText.keywordPhrases(c)) {
        if (p.length() >= 3) {
          captions.putIfAbsent(CaptionText.normalise(p), p);
        }
      }
    }
    return new ArrayList<>(captions.values());
  }

  /** Items without cached image features (undecodable files) are left out. */
  public static TrainingPairs of(List<Item> items, FeatureStore imageStore, FeatureStore textStore, boolean keywordPhrases,
      EmojiKeywords emojiKeywords) {
    List<float[]> img = new ArrayList<>();
    List<float[][]> caps = new ArrayList<>();
    List<String[]> texts = new ArrayList<>();
    for (Item item : items) {
      float[] f = imageStore.get(item.id());
      if (f == null) {
        continue;
      }
      img.add(f);
      String[] t = captionsOf(item, keywordPhrases, emojiKeywords).toArray(String[]::new);
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

  public int size() {
    return (int) images.size(0);
  }
}
