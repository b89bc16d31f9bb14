package io.crossmodal.model.train;

import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.NounKinds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Further training captions for a noun of an item's names, from WordNet: the kinds it is ("gull" →
 * "bird"), so that a picture of a seagull also teaches the word a person types for it, and
 * optionally the definition of its first sense ("any of various tailless stout-bodied amphibians
 * …"), so that descriptive sentences meet the pictures of what they describe.
 *
 * <p>Only kinds that the training data itself uses as a word of names are taken, and none that
 * covers more than a tenth of the training items: WordNet's upper levels ("whole", "object",
 * "artifact") and rare lemmas ("larid") teach nothing a person types. Both limits come from the
 * training split alone, so no held-out concept leaks in.
 */
public final class NounCaptions {
  /** A kind must name at least this many training items by its own word. */
  static final int MIN_ITEMS = 3;

  /** …and be the kind of at most this share of the training items. */
  static final double MAX_SHARE = 0.10;

  private final NounKinds kinds;
  private final Set<String> usable;
  private final boolean definitions;

  private NounCaptions(NounKinds kinds, Set<String> usable, boolean definitions) {
    this.kinds = kinds;
    this.usable = usable;
    this.definitions = definitions;
  }

  /**
   * @param withKinds whether the kinds of a noun are captions
   * @param definitions whether its first sense's definition is one
   */
  public static NounCaptions of(
      NounKinds kinds, List<Item> train, boolean withKinds, boolean definitions) {
    Set<String> usable = new HashSet<>();
    if (withKinds) {
      Map<String, Integer> naming = new HashMap<>();
      Map<String, Integer> covering = new HashMap<>();
      for (Item item : train) {
        Set<String> words = new HashSet<>();
        Set<String> itemKinds = new HashSet<>();
        for (String name : CaptionText.names(item.captions())) {
          for (String w : CaptionText.words(name)) {
            String lemma = kinds.lemma(w);
            if (lemma != null) {
              words.add(lemma);
              itemKinds.addAll(kinds.kindsOf(lemma));
            }
          }
        }
        words.forEach(w -> naming.merge(w, 1, Integer::sum));
        itemKinds.forEach(k -> covering.merge(k, 1, Integer::sum));
      }
      int maxCovered = (int) (MAX_SHARE * train.size());
      naming.forEach(
          (word, n) -> {
            if (n >= MIN_ITEMS && covering.getOrDefault(word, 0) <= maxCovered) {
              usable.add(word);
            }
          });
    }
    return new NounCaptions(kinds, usable, definitions);
  }

  /**
   * The captions {@code noun} adds: its usable kinds other than itself, then its definition; empty
   * for a non-noun.
   */
  public List<String> of(String noun) {
    List<String> out = new ArrayList<>();
    String lemma = kinds.lemma(noun);
    if (lemma == null) {
      return out;
    }
    for (String kind : kinds.kindsOf(lemma)) {
      if (!kind.equals(lemma) && usable.contains(kind)) {
        out.add(kind);
      }
    }
    if (definitions) {
      String definition = kinds.definitionOf(lemma);
      if (definition != null && !definition.isEmpty()) {
        out.add(definition);
      }
    }
    return out;
  }

  /** The kinds taken as captions, for the training summary. */
  public int kindCount() {
    return usable.size();
  }
}
