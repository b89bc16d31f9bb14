package io.crossmodal.search.lexical;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * How words become terms, for items and queries alike: Lucene's standard tokenizer, English
 * possessives, lower case, English stop words, then KStem and Porter's stemmer in turn. Either
 * alone misses common plurals: KStem leaves words its dictionary knows ("dogs"), Porter's takes
 * "bus" to "bu" but "buses" to "buse"; KStem first ("buses" → "bus") then Porter conflates both
 * ("Dogs" finds "dog", "buses" finds "bus", "glasses" finds "glass"). The terms counted here are
 * exactly those Lucene indexes, which is what lets the shards publish their own term statistics
 * ({@link CorpusStats}). Thread safe (Lucene analyzers reuse per-thread token streams).
 */
public final class Analysis {
  /** Distinct terms of one query that are scored; the rest of a very long query is ignored. */
  public static final int MAX_QUERY_TERMS = 64;

  public static final Analyzer ANALYZER =
      new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String field) {
          Tokenizer source = new StandardTokenizer();
          TokenStream words = new EnglishPossessiveFilter(source);
          words = new LowerCaseFilter(words);
          words = new StopFilter(words, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
          return new TokenStreamComponents(source, new PorterStemFilter(new KStemFilter(words)));
        }

        @Override
        protected TokenStream normalize(String field, TokenStream in) {
          return new LowerCaseFilter(in);
        }
      };

  private Analysis() {}

  /**
   * An item's terms: each distinct term with its count, and the number of terms (the field length).
   */
  public record TermCounts(Map<String, Integer> counts, int length) {
    public static final TermCounts EMPTY = new TermCounts(Map.of(), 0);
  }

  public static TermCounts count(String text) {
    if (text == null || text.isEmpty()) {
      return TermCounts.EMPTY;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    int[] length = {0};
    forEachTerm(
        text,
        t -> {
          counts.merge(t, 1, Integer::sum);
          length[0]++;
        });
    return new TermCounts(counts, length[0]);
  }

  /** A query's distinct terms in order of appearance, at most {@link #MAX_QUERY_TERMS}. */
  public static List<String> queryTerms(String text) {
    Set<String> terms = new LinkedHashSet<>();
    if (text != null) {
      forEachTerm(
          text,
          t -> {
            if (terms.size() < MAX_QUERY_TERMS) {
              terms.add(t);
            }
          });
    }
    return new ArrayList<>(terms);
  }

  private static void forEachTerm(String text, Consumer<String> action) {
    try (TokenStream ts = ANALYZER.tokenStream(LexicalIndex.TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        action.accept(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
  }
}
