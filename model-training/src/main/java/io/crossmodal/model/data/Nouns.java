package io.crossmodal.model.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The English nouns of WordNet 3.0 (Debian {@code wordnet-base}, which {@code dataset build}
 * unpacks): what tells a concept a person would type ("dog", "flag", "france") from the other words
 * of titles and keywords ("often", "gmail", an author's surname).
 */
public final class Nouns {
  /** The Debian package, and where its noun index lies under the unpacked root. */
  public static final String DEBIAN_PACKAGE = "wordnet-base";

  public static final String INDEX = "usr/share/wordnet/index.noun";

  private final Set<String> lemmas;

  private Nouns(Set<String> lemmas) {
    this.lemmas = lemmas;
  }

  public static Nouns of(Collection<String> lemmas) {
    return new Nouns(Set.copyOf(lemmas));
  }

  /**
   * Reads WordNet's {@code index.noun}: one lemma per line, its first field; the licence header
   * lines start with spaces.
   */
  public static Nouns read(Path index) throws IOException {
    Set<String> lemmas = new HashSet<>();
    try (Stream<String> lines = Files.lines(index, StandardCharsets.UTF_8)) {
      lines
          .filter(l -> !l.isEmpty() && l.charAt(0) != ' ')
          .forEach(l -> lemmas.add(l.substring(0, l.indexOf(' '))));
    }
    if (lemmas.isEmpty()) {
      throw new IOException(index + " holds no nouns");
    }
    return new Nouns(lemmas);
  }

  /**
   * Whether {@code word} (lower case) is a noun, or the regular plural of one ("flags", "boxes",
   * "berries").
   */
  public boolean contains(String word) {
    return lemmas.contains(word)
        || word.endsWith("s") && lemmas.contains(word.substring(0, word.length() - 1))
        || word.endsWith("es") && lemmas.contains(word.substring(0, word.length() - 2))
        || word.endsWith("ies") && lemmas.contains(word.substring(0, word.length() - 3) + "y");
  }
}
