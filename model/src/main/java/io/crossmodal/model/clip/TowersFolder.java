package io.crossmodal.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crossmodal.model.image.ImagePreprocessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A CLIP-format towers folder, as OpenCLIP, MobileCLIP and Hugging Face exports publish them:
 * {@value #IMAGE}, {@value #TEXT}, a Hugging Face {@value #TOKENIZER} and a Hugging Face {@value
 * #PREPROCESSOR} ({@code size}, {@code crop_size}, {@code do_center_crop}, {@code image_mean},
 * {@code image_std}), which may also name what differs from the usual export (README: "Any
 * CLIP-format towers"): {@code image_input} ({@code pixel_values}), {@code image_output} ({@code
 * image_embeds}), {@code text_input} ({@code input_ids}), {@code text_mask} ({@code
 * attention_mask}, fed when the graph has it), {@code text_output} ({@code text_embeds}), {@code
 * text_pooling} ({@code none} for [batch, dim] outputs, else {@code eot}, {@code mean} or {@code
 * cls} over [batch, tokens, dim]), {@code context_length} (the tokenizer's {@code
 * truncation.max_length}, else 77), {@code pad_token_id} (the tokenizer's {@code padding.pad_id},
 * else 0) and {@code embedding_dim}.
 *
 * <p>The model id is {@code clip-} plus 16 hex digits of the SHA-256 over the four files, so the
 * same files always give the same id and any change gives another.
 */
public record TowersFolder(Path dir, String modelId, JsonNode preprocessor, JsonNode tokenizer) {
  public static final String IMAGE = "image.onnx";
  public static final String TEXT = "text.onnx";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String PREPROCESSOR = "preprocessor_config.json";
  private static final List<String> FILES = List.of(IMAGE, TEXT, TOKENIZER, PREPROCESSOR);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the folder's JSON files and hashes all four; a missing file is named in the error. */
  public static TowersFolder read(Path dir) throws IOException {
    for (String f : FILES) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new IOException(
            "towers folder " + dir + " lacks " + f + " (needs " + String.join(", ", FILES) + ")");
      }
    }
    MessageDigest sha = sha256();
    for (String f : FILES) {
      sha.update(f.getBytes(StandardCharsets.UTF_8));
      try (InputStream in = new DigestInputStream(Files.newInputStream(dir.resolve(f)), sha)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    String id = "clip-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    return new TowersFolder(
        dir,
        id,
        JSON.readTree(dir.resolve(PREPROCESSOR).toFile()),
        JSON.readTree(dir.resolve(TOKENIZER).toFile()));
  }

  public String imageInput() {
    return preprocessor.path("image_input").asText("pixel_values");
  }

  public String imageOutput() {
    return preprocessor.path("image_output").asText("image_embeds");
  }

  public String textInput() {
    return preprocessor.path("text_input").asText("input_ids");
  }

  public String textMask() {
    return preprocessor.path("text_mask").asText("attention_mask");
  }

  public String textOutput() {
    return preprocessor.path("text_output").asText("text_embeds");
  }

  public String textPooling() {
    String pooling = preprocessor.path("text_pooling").asText("none");
    if (!List.of("none", "eot", "mean", "cls").contains(pooling)) {
      throw new IllegalArgumentException(
          PREPROCESSOR + ": text_pooling must be none, eot, mean or cls, not " + pooling);
    }
    return pooling;
  }

  public int contextLength() {
    return preprocessor
        .path("context_length")
        .asInt(tokenizer.path("truncation").path("max_length").asInt(77));
  }

  public int padTokenId() {
    return preprocessor
        .path("pad_token_id")
        .asInt(tokenizer.path("padding").path("pad_id").asInt(0));
  }

  /** 0 when the file does not say (the towers then tell by running). */
  public int embeddingDim() {
    return preprocessor.path("embedding_dim").asInt(0);
  }

  /** The square input side: {@code crop_size} when cropping, else {@code size}. */
  public int imageSize() {
    boolean crop = preprocessor.path("do_center_crop").asBoolean(preprocessor.has("crop_size"));
    return side(crop ? preprocessor.path("crop_size") : preprocessor.path("size"));
  }

  public ImagePreprocessor imagePreprocessor() {
    boolean crop = preprocessor.path("do_center_crop").asBoolean(preprocessor.has("crop_size"));
    boolean shortestEdge =
        preprocessor.path("size").has("shortest_edge") || preprocessor.path("size").isNumber();
    ImagePreprocessor.Fit fit =
        crop || shortestEdge ? ImagePreprocessor.Fit.CENTER_CROP : ImagePreprocessor.Fit.STRETCH;
    boolean normalise = preprocessor.path("do_normalize").asBoolean(true);
    float[] mean = normalise ? triple(preprocessor.path("image_mean"), 0) : new float[] {0, 0, 0};
    float[] std = normalise ? triple(preprocessor.path("image_std"), 1) : new float[] {1, 1, 1};
    int resize =
        crop && shortestEdge ? Math.max(imageSize(), side(preprocessor.path("size"))) : imageSize();
    return new ImagePreprocessor(imageSize(), fit, resize, mean, std);
  }

  private static int side(JsonNode size) {
    if (size.isNumber()) {
      return size.asInt();
    }
    if (size.has("shortest_edge")) {
      return size.get("shortest_edge").asInt();
    }
    int h = size.path("height").asInt(0);
    int w = size.path("width").asInt(0);
    if (h <= 0 || h != w) {
      throw new IllegalArgumentException(
          PREPROCESSOR + ": a square size or crop_size is needed, got " + size);
    }
    return h;
  }

  private static float[] triple(JsonNode values, float fallback) {
    if (values.isMissingNode()) {
      return new float[] {fallback, fallback, fallback};
    }
    if (values.size() != 3) {
      throw new IllegalArgumentException(
          PREPROCESSOR + ": image_mean and image_std need 3 values, got " + values);
    }
    return new float[] {
      (float) values.get(0).asDouble(),
      (float) values.get(1).asDouble(),
      (float) values.get(2).asDouble()
    };
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
