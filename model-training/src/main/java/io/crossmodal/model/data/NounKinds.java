package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What kind of thing a noun names, from WordNet 3.0's hypernyms (Debian {@code wordnet-base}): a
 * "dog" is a "canine", a "mammal", an "animal"; "Cameroon" is an "African country", a "country".
 * The concept benchmark uses it to see that a picture of a dog answers "animal" although no caption
 * says so. Only a word's first sense counts, WordNet's most frequent one, so that "mouse" is a
 * rodent and not also a computer part; instance hypernyms count ("France" is a "country").
 */
public final class NounKinds {
  private final Nouns nouns;
  private final Map<String, Integer> firstSense;
  private final Map<Integer, int[]> hypernyms;
  private final Map<Integer, List<String>> words;
  private final Map<Integer, String> glosses;

  private NounKinds(
      Nouns nouns,
      Map<String, Integer> firstSense,
      Map<Integer, int[]> hypernyms,
      Map<Integer, List<String>> words,
      Map<Integer, String> glosses) {
    this.nouns = nouns;
    this.firstSense = firstSense;
    this.hypernyms = hypernyms;
    this.words = words;
    this.glosses = glosses;
  }

  /**
   * Reads WordNet's {@code index.noun} and the {@code data.noun} beside it; their licence header
   * lines start with spaces. The one reader of {@code index.noun} for a caller that needs kinds:
   * its {@link #nouns()} are what {@link Nouns#read} would give.
   */
  public static NounKinds read(Path index) throws IOException {
    Set<String> lemmas = new HashSet<>();
    Map<String, Integer> firstSense = new HashMap<>();
    try (Stream<String> lines = Files.lines(index, StandardCharsets.UTF_8)) {
      lines
          .filter(l -> !l.isEmpty() && l.charAt(0) != ' ')
          .forEach(
              l -> {
                // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…:
                // the first offset is the most frequent sense.
                String[] f = l.split(" ");
                lemmas.add(f[0]);
                int synsets = Integer.parseInt(f[2]);
                int pointers = Integer.parseInt(f[3]);
                if (synsets > 0) {
                  firstSense.put(f[0], Integer.parseInt(f[4 + pointers + 2]));
                }
              });
    }
    Map<Integer, int[]> hypernyms = new HashMap<>();
    Map<Integer, List<String>> words = new HashMap<>();
    Map<Integer, String> glosses = new HashMap<>();
    try (Stream<String> lines =
        Files.lines(index.resolveSibling("data.noun"), StandardCharsets.UTF_8)) {
      lines
          .filter(l -> !l.isEmpty() && l.charAt(0) != ' ')
          .forEach(
              l -> {
                // offset lex_filenum ss_type w_cnt(hex) [word lex_id]… p_cnt [symbol offset pos
                // source/target]… | gloss
                int bar = l.indexOf(" | ");
                String[] f = l.substring(0, bar < 0 ? l.length() : bar).split(" ");
                int offset = Integer.parseInt(f[0]);
                if (bar >= 0) {
                  glosses.put(offset, definition(l.substring(bar + 3)));
                }
                int count = Integer.parseInt(f[3], 16);
                String[] own = new String[count];
                for (int w = 0; w < count; w++) {
                  own[w] = f[4 + 2 * w].toLowerCase(Locale.ROOT);
                }
                int p = 4 + 2 * count;
                int pointers = Integer.parseInt(f[p]);
                int[] up = new int[pointers];
                int n = 0;
                for (int i = 0; i < pointers; i++) {
                  String symbol = f[p + 1 + 4 * i];
                  if (symbol.equals("@") || symbol.equals("@i")) {
                    up[n++] = Integer.parseInt(f[p + 2 + 4 * i]);
                  }
                }
                hypernyms.put(offset, Arrays.copyOf(up, n));
                words.put(offset, List.of(own));
              });
    }
    if (firstSense.isEmpty() || words.isEmpty()) {
      throw new IOException(index + " and its data.noun hold no nouns");
    }
    if (lemmas.isEmpty()) {
      throw new IOException(index + " holds no nouns");
    }
    return new NounKinds(Nouns.of(lemmas), firstSense, hypernyms, words, glosses);
  }

  /** Every noun of the index, as {@link Nouns#read} reads them. */
  public Nouns nouns() {
    return nouns;
  }

  /**
   * A gloss's definition: what comes before its first {@code ;} (the rest are further senses' notes
   * and quoted examples).
   */
  private static String definition(String gloss) {
    int semicolon = gloss.indexOf(';');
    return (semicolon < 0 ? gloss : gloss.substring(0, semicolon)).strip();
  }

  /**
   * The definition of {@code word}'s first sense ("frog" → "any of various tailless stout-bodied
   * amphibians …"), or {@code null}.
   */
  public String definitionOf(String word) {
    String lemma = lemma(word);
    return lemma == null ? null : glosses.get(firstSense.get(lemma));
  }

  /**
   * The noun lemma a word (lower case) is, itself or as a regular plural ("flags" → "flag"), or
   * {@code null}.
   */
  public String lemma(String word) {
    for (String candidate :
        new String[] {word, strip(word, "s", ""), strip(word, "es", ""), strip(word, "ies", "y")}) {
      if (candidate != null && firstSense.containsKey(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String strip(String word, String suffix, String replacement) {
    return word.endsWith(suffix) && word.length() > suffix.length()
        ? word.substring(0, word.length() - suffix.length()) + replacement
        : null;
  }

  /**
   * The words of every kind that {@code word}'s first sense is, its own synonyms included, up to
   * "entity" ("dog" → dog, domestic_dog, canine, carnivore, …, animal, …); empty for a non-noun.
   * Lemmas of several words keep WordNet's underscores, so no single typed word matches them.
   */
  public Set<String> kindsOf(String word) {
    String lemma = lemma(word);
    Set<String> out = new LinkedHashSet<>();
    if (lemma == null) {
      return out;
    }
    ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(firstSense.get(lemma)));
    Set<Integer> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      int synset = todo.pop();
      if (seen.add(synset)) {
        out.addAll(words.getOrDefault(synset, List.of()));
        for (int up : hypernyms.getOrDefault(synset, new int[0])) {
          todo.push(up);
        }
      }
    }
    return out;
  }
}
