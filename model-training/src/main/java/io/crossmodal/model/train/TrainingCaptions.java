package io.crossmodal.model.train;

import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Nouns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which captions a training item is drawn with: its own, and, because people query with a word or
 * two while the data's captions are titles and keyword lists, optionally each keyword phrase of a
 * {@code "title: keyword, keyword …"} caption on its own ("dog", "red apple"), each of its {@link
 * EmojiKeywords}, and each noun among the words that name it (its title and keyword phrases:
 * "frogs" of "2 dead frogs"), with what WordNet says of each such noun ({@link NounCaptions}). Only
 * training uses them: evaluation splits keep their captions as the manifest has them.
 *
 * @param nameNouns the nouns to take from an item's names, or null for none
 * @param nounCaptions what each of those nouns adds, or null for nothing
 */
public record TrainingCaptions(
    boolean keywordPhrases,
    EmojiKeywords emojiKeywords,
    Nouns nameNouns,
    NounCaptions nounCaptions) {
  public TrainingCaptions(boolean keywordPhrases, EmojiKeywords emojiKeywords, Nouns nameNouns) {
    this(keywordPhrases, emojiKeywords, nameNouns, null);
  }

  /** An item's own captions only. */
  public static TrainingCaptions own() {
    return new TrainingCaptions(false, EmojiKeywords.none(), null);
  }

  /** An item's training captions, each normalised text once, its own first. */
  public List<String> of(Item item) {
    if (!keywordPhrases && nameNouns == null) {
      return item.captions();
    }
    Map<String, String> captions = new LinkedHashMap<>();
    item.captions().forEach(c -> captions.putIfAbsent(CaptionText.normalise(c), c));
    if (keywordPhrases) {
      emojiKeywords.of(item).forEach(k -> captions.putIfAbsent(CaptionText.normalise(k), k));
      for (String c : item.captions()) {
        for (String p : CaptionText.keywordPhrases(c)) {
          if (p.length() >= 3) {
            captions.putIfAbsent(CaptionText.normalise(p), p);
          }
        }
      }
    }
    if (nameNouns != null) {
      List<String> nouns = new ArrayList<>();
      for (String name : CaptionText.names(item.captions())) {
        for (String w : CaptionText.words(name)) {
          if (nameNouns.contains(w)) {
            nouns.add(w);
          }
        }
      }
      nouns.forEach(w -> captions.putIfAbsent(w, w));
      // After every noun, so what WordNet says of them never moves a noun of the names.
      if (nounCaptions != null) {
        for (String w : nouns) {
          nounCaptions.of(w).forEach(c -> captions.putIfAbsent(CaptionText.normalise(c), c));
        }
      }
    }
    return new ArrayList<>(captions.values());
  }
}
