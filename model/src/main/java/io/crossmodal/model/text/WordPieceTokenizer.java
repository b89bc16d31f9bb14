package io.crossmodal.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT uncased tokenization as the Hugging Face {@code tokenizer.json} of all-MiniLM-L6-v2 defines
 * it: clean text, split CJK characters, lowercase and strip accents, split on whitespace and
 * punctuation, greedy longest-match WordPiece with the {@code ##} prefix, then {@code [CLS] …
 * [SEP]} truncated to {@link #maxLength()} tokens.
 *
 * <p>Immutable and thread safe.
 */
public final class WordPieceTokenizer implements Tokenizer {
  private static final int MAX_CHARS_PER_WORD = 100;
  private final Map<String, Integer> vocabulary;
  private final int unknownId;
  private final int clsId;
  private final int sepId;
  private final int maxLength;

  public WordPieceTokenizer(Map<String, Integer> vocabulary, int maxLength) {
    this.vocabulary = Map.copyOf(vocabulary);
    this.unknownId = idOf("[UNK]");
    this.clsId = idOf("[CLS]");
    this.sepId = idOf("[SEP]");
    this.maxLength = maxLength;
  }

  /** Reads the WordPiece vocabulary of a Hugging Face {@code tokenizer.json}. */
  public static WordPieceTokenizer fromHuggingFaceJson(InputStream json, int maxLength)
      throws IOException {
    return fromHuggingFaceJson(new ObjectMapper().readTree(json), maxLength);
  }

  /** The same, from a {@code tokenizer.json} already parsed. */
  public static WordPieceTokenizer fromHuggingFaceJson(JsonNode json, int maxLength)
      throws IOException {
    JsonNode vocab = json.path("model").path("vocab");
    Map<String, Integer> ids = new HashMap<>();
    vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
    if (ids.isEmpty()) {
      throw new IOException("tokenizer.json has no model.vocab");
    }
    return new WordPieceTokenizer(ids, maxLength);
  }

  private int idOf(String token) {
    Integer id = vocabulary.get(token);
    if (id == null) {
      throw new IllegalArgumentException("vocabulary lacks " + token);
    }
    return id;
  }

  /** Number of token ids; every id {@link #encode} returns is below it. */
  public int vocabularySize() {
    return vocabulary.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
  }

  @Override
  public int maxLength() {
    return maxLength;
  }

  /**
   * Token ids including {@code [CLS]} and {@code [SEP]}; never longer than {@link #maxLength()}.
   */
  @Override
  public int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    ids.add(clsId);
    for (String word : basicTokens(text)) {
      if (ids.size() >= maxLength - 1) {
        break;
      }
      wordPiece(word, ids);
    }
    while (ids.size() > maxLength - 1) {
      ids.remove(ids.size() - 1);
    }
    ids.add(sepId);
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Lowercased, accent-free words and single punctuation marks, in order. */
  static List<String> basicTokens(String text) {
    String lowered = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
    List<String> tokens = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < lowered.length(); ) {
      int cp = lowered.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (cp == 0
          || cp == 0xFFFD
          || type == Character.NON_SPACING_MARK
          || (Character.isISOControl(cp) && !Character.isWhitespace(cp))) {
        continue;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        flush(word, tokens);
      } else if (isPunctuation(cp) || isCjk(cp)) {
        flush(word, tokens);
        tokens.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, tokens);
    return tokens;
  }

  private void wordPiece(String word, List<Integer> out) {
    if (word.codePointCount(0, word.length()) > MAX_CHARS_PER_WORD) {
      out.add(unknownId);
      return;
    }
    List<Integer> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      Integer found = null;
      while (start < end) {
        String candidate = (start > 0 ? "##" : "") + word.substring(start, end);
        found = vocabulary.get(candidate);
        if (found != null) {
          break;
        }
        end--;
      }
      if (found == null) {
        out.add(unknownId);
        return;
      }
      pieces.add(found);
      start = end;
    }
    out.addAll(pieces);
  }

  private static void flush(StringBuilder word, List<String> tokens) {
    if (word.length() > 0) {
      tokens.add(word.toString());
      word.setLength(0);
    }
  }

  private static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47)
        || (cp >= 58 && cp <= 64)
        || (cp >= 91 && cp <= 96)
        || (cp >= 123 && cp <= 126)) {
      return true;
    }
    int t = Character.getType(cp);
    return t == Character.CONNECTOR_PUNCTUATION
        || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION
        || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION
        || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  private static boolean isCjk(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
