package io.crossmodal.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte-pair encoding as a Hugging Face {@code tokenizer.json} with a {@code BPE} model defines it —
 * what CLIP, OpenCLIP and MobileCLIP publish: the file's normalizers (NFC/NFKC/NFD/NFKD, Lowercase,
 * Replace, Strip), pre-tokenizers (Split by a regex, ByteLevel, Whitespace, WhitespaceSplit), BPE
 * merges by rank with the model's {@code end_of_word_suffix} (CLIP's {@code </w>}), and the special
 * tokens of its post-processor (Roberta, Bert or a Template). A part it does not implement is
 * refused when the file is read, naming it, rather than tokenised differently from the model.
 *
 * <p>Immutable and thread safe.
 */
public final class BpeTokenizer implements Tokenizer {
  /** GPT-2's pre-tokenizer, used by ByteLevel when {@code use_regex} is true. */
  private static final Pattern GPT2 =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static final char[] BYTE_CHARS = byteChars();

  private final UnaryOperator<String> normalizer;
  private final List<PreTokenizer> preTokenizers;
  private final Map<String, Integer> vocabulary;
  private final Map<String, Integer> mergeRanks;
  private final String endOfWordSuffix;
  private final String continuingPrefix;
  private final Integer unknownId;
  private final int[] prefix;
  private final int[] suffix;
  private final int maxLength;

  private interface PreTokenizer {
    List<String> split(String text);
  }

  private BpeTokenizer(JsonNode json, int maxLength) {
    JsonNode model = json.path("model");
    this.vocabulary = new HashMap<>();
    model
        .path("vocab")
        .fields()
        .forEachRemaining(e -> vocabulary.put(e.getKey(), e.getValue().asInt()));
    for (JsonNode added : json.path("added_tokens")) {
      vocabulary.putIfAbsent(added.path("content").asText(), added.path("id").asInt());
    }
    if (vocabulary.isEmpty()) {
      throw new IllegalArgumentException("tokenizer.json has no model.vocab");
    }
    this.mergeRanks = new HashMap<>();
    for (JsonNode merge : model.path("merges")) {
      // "a b" in older files, ["a", "b"] in newer ones.
      String pair =
          merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText();
      mergeRanks.putIfAbsent(pair, mergeRanks.size());
    }
    this.endOfWordSuffix = model.path("end_of_word_suffix").asText("");
    this.continuingPrefix = model.path("continuing_subword_prefix").asText("");
    String unk = model.path("unk_token").asText(null);
    this.unknownId = unk == null ? null : vocabulary.get(unk);
    this.normalizer = normalizer(json.path("normalizer"));
    this.preTokenizers = new ArrayList<>();
    preTokenizers(json.path("pre_tokenizer"), preTokenizers);
    int[][] specials = specials(json.path("post_processor"));
    this.prefix = specials[0];
    this.suffix = specials[1];
    this.maxLength = maxLength;
    if (maxLength <= prefix.length + suffix.length) {
      throw new IllegalArgumentException(
          "max length " + maxLength + " leaves no room between the special tokens");
    }
  }

  /**
   * @param maxLength longest id sequence {@link #encode} returns, special tokens included
   */
  public static BpeTokenizer fromHuggingFaceJson(JsonNode json, int maxLength) {
    String type = json.path("model").path("type").asText("");
    if (!type.equals("BPE")) {
      throw new IllegalArgumentException("tokenizer.json model type " + type + " is not BPE");
    }
    return new BpeTokenizer(json, maxLength);
  }

  @Override
  public int maxLength() {
    return maxLength;
  }

  @Override
  public int[] encode(String text) {
    List<String> pieces = List.of(normalizer.apply(text));
    for (PreTokenizer p : preTokenizers) {
      List<String> next = new ArrayList<>();
      for (String piece : pieces) {
        next.addAll(p.split(piece));
      }
      pieces = next;
    }
    int room = maxLength - prefix.length - suffix.length;
    List<Integer> ids = new ArrayList<>();
    for (String piece : pieces) {
      if (piece.isEmpty()) {
        continue;
      }
      for (String symbol : bpe(piece)) {
        Integer id = vocabulary.get(symbol);
        if (id == null) {
          id = unknownId;
        }
        if (id != null && ids.size() < room) {
          ids.add(id);
        }
      }
    }
    int[] out = new int[prefix.length + ids.size() + suffix.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    for (int i = 0; i < ids.size(); i++) {
      out[prefix.length + i] = ids.get(i);
    }
    System.arraycopy(suffix, 0, out, prefix.length + ids.size(), suffix.length);
    return out;
  }

  /** One word's symbols after every applicable merge, lowest rank first. */
  private List<String> bpe(String word) {
    List<String> symbols = new ArrayList<>();
    word.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
    for (int i = 1; i < symbols.size(); i++) {
      symbols.set(i, continuingPrefix + symbols.get(i));
    }
    int last = symbols.size() - 1;
    symbols.set(last, symbols.get(last) + endOfWordSuffix);
    while (symbols.size() > 1) {
      int best = -1;
      int bestRank = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < symbols.size(); i++) {
        Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      String right = symbols.remove(best + 1);
      symbols.set(
          best,
          symbols.get(best)
              + right.substring(
                  right.startsWith(continuingPrefix) ? continuingPrefix.length() : 0));
    }
    return symbols;
  }

  private static UnaryOperator<String> normalizer(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return UnaryOperator.identity();
    }
    String type = n.path("type").asText();
    return switch (type) {
      case "Sequence" -> {
        List<UnaryOperator<String>> steps = new ArrayList<>();
        n.path("normalizers").forEach(step -> steps.add(normalizer(step)));
        yield s -> {
          for (UnaryOperator<String> step : steps) {
            s = step.apply(s);
          }
          return s;
        };
      }
      case "NFC", "NFD", "NFKC", "NFKD" ->
          s -> Normalizer.normalize(s, Normalizer.Form.valueOf(type));
      case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
      case "Strip" -> {
        boolean left = n.path("strip_left").asBoolean(true);
        boolean right = n.path("strip_right").asBoolean(true);
        yield s -> right ? (left ? s.strip() : s.stripTrailing()) : (left ? s.stripLeading() : s);
      }
      case "Replace" -> {
        Pattern p = pattern(n.path("pattern"));
        String content = Matcher.quoteReplacement(n.path("content").asText());
        yield s -> p.matcher(s).replaceAll(content);
      }
      default ->
          throw new IllegalArgumentException(
              "tokenizer.json normalizer " + type + " is not supported");
    };
  }

  private static void preTokenizers(JsonNode n, List<PreTokenizer> out) {
    if (n.isMissingNode() || n.isNull()) {
      return;
    }
    String type = n.path("type").asText();
    switch (type) {
      case "Sequence" -> n.path("pretokenizers").forEach(p -> preTokenizers(p, out));
      case "Split" ->
          out.add(
              split(
                  pattern(n.path("pattern")),
                  n.path("behavior").asText(),
                  n.path("invert").asBoolean(false)));
      case "Whitespace" ->
          out.add(matches(Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS)));
      case "WhitespaceSplit" -> out.add(matches(Pattern.compile("\\S+")));
      case "ByteLevel" -> {
        boolean prefixSpace = n.path("add_prefix_space").asBoolean(false);
        if (n.path("use_regex").asBoolean(true)) {
          PreTokenizer gpt2 = matches(GPT2);
          out.add(s -> gpt2.split(prefixSpace && !s.startsWith(" ") ? " " + s : s));
        } else if (prefixSpace) {
          out.add(s -> List.of(s.startsWith(" ") ? s : " " + s));
        }
        out.add(s -> List.of(byteLevel(s)));
      }
      default ->
          throw new IllegalArgumentException(
              "tokenizer.json pre_tokenizer " + type + " is not supported");
    }
  }

  private static PreTokenizer split(Pattern p, String behavior, boolean invert) {
    if (behavior.equals("Removed") && invert) {
      return matches(p); // the matches are the tokens, what lies between them is dropped
    }
    return switch (behavior) {
      case "Removed" -> s -> List.of(p.split(s, -1));
      case "Isolated" ->
          s -> {
            List<String> parts = new ArrayList<>();
            Matcher m = p.matcher(s);
            int at = 0;
            while (m.find()) {
              parts.add(s.substring(at, m.start()));
              parts.add(m.group());
              at = m.end();
            }
            parts.add(s.substring(at));
            return parts;
          };
      default ->
          throw new IllegalArgumentException(
              "tokenizer.json Split behaviour "
                  + behavior
                  + (invert ? " (inverted)" : "")
                  + " is not supported");
    };
  }

  private static PreTokenizer matches(Pattern p) {
    return s -> {
      List<String> parts = new ArrayList<>();
      Matcher m = p.matcher(s);
      while (m.find()) {
        parts.add(m.group());
      }
      return parts;
    };
  }

  private static Pattern pattern(JsonNode p) {
    if (p.has("Regex")) {
      return Pattern.compile(p.get("Regex").asText(), Pattern.UNICODE_CHARACTER_CLASS);
    }
    return Pattern.compile(Pattern.quote(p.path("String").asText()));
  }

  /** ids before and after the text, from the post-processor. */
  private int[][] specials(JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return new int[][] {{}, {}};
    }
    String type = n.path("type").asText();
    return switch (type) {
      case "RobertaProcessing", "BertProcessing" ->
          new int[][] {{n.path("cls").get(1).asInt()}, {n.path("sep").get(1).asInt()}};
      case "ByteLevel" -> new int[][] {{}, {}};
      case "TemplateProcessing" -> {
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean seen = false;
        for (JsonNode piece : n.path("single")) {
          if (piece.has("Sequence")) {
            seen = true;
            continue;
          }
          for (JsonNode id :
              n.path("special_tokens")
                  .path(piece.path("SpecialToken").path("id").asText())
                  .path("ids")) {
            (seen ? after : before).add(id.asInt());
          }
        }
        yield new int[][] {
          before.stream().mapToInt(Integer::intValue).toArray(),
          after.stream().mapToInt(Integer::intValue).toArray()
        };
      }
      case "Sequence" -> {
        int[][] result = {{}, {}};
        for (JsonNode p : n.path("processors")) {
          int[][] one = specials(p);
          if (one[0].length + one[1].length > 0) {
            result = one;
          }
        }
        yield result;
      }
      default ->
          throw new IllegalArgumentException(
              "tokenizer.json post_processor " + type + " is not supported");
    };
  }

  /** GPT-2's reversible byte → printable character map over a string's UTF-8 bytes. */
  private static String byteLevel(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length);
    for (byte x : bytes) {
      b.append(BYTE_CHARS[x & 0xff]);
    }
    return b.toString();
  }

  private static char[] byteChars() {
    char[] map = new char[256];
    int next = 256;
    for (int i = 0; i < 256; i++) {
      boolean printable =
          (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
      map[i] = (char) (printable ? i : next++);
    }
    return map;
  }
}
