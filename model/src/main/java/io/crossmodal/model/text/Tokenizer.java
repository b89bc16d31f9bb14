package io.crossmodal.model.text;

/**
 * Text → token ids of one vocabulary, special tokens included, never longer than {@link
 * #maxLength()}.
 */
public interface Tokenizer {
  int[] encode(String text);

  int maxLength();
}
