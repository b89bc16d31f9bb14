package io.crossmodal.model.clip;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.PixelBatch;
import io.crossmodal.model.joint.Towers;
import io.crossmodal.model.joint.UnitVectors;
import io.crossmodal.model.onnx.OnnxSessions;
import io.crossmodal.model.text.BpeTokenizer;
import io.crossmodal.model.text.Tokenizer;
import io.crossmodal.model.text.WordPieceTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The towers of a CLIP-format folder ({@link TowersFolder}) run by ONNX Runtime: images
 * preprocessed as the folder says and batched through {@code image.onnx}, texts tokenised by its
 * {@code tokenizer.json}, padded to the context length (so a text's vector never depends on its
 * batch-mates) and batched through {@code text.onnx}; both outputs pooled if asked and
 * L2-normalised. No trained head: the folder's own space is the shared space.
 *
 * <p>The sessions are shared with {@link #withOwnImageTower()} siblings (ONNX Runtime sessions may
 * run concurrently); each instance owns its input buffers ({@link PixelBatch}) and encodes one
 * image batch at a time, while its siblings never wait for it.
 */
public final class ClipTowers implements Towers {
  private final TowersFolder folder;
  private final OrtEnvironment env;
  private final OrtSession image;
  private final OrtSession text;
  private final Tokenizer tokenizer;
  private final ImagePreprocessor preprocessor;
  private final boolean textTakesMask;
  private final OnnxJavaType idType;
  private final int dim;
  private final boolean owner;
  private final PixelBatch batch = new PixelBatch();

  private ClipTowers(
      TowersFolder folder,
      OrtEnvironment env,
      OrtSession image,
      OrtSession text,
      Tokenizer tokenizer)
      throws OrtException {
    this.folder = folder;
    this.env = env;
    this.image = image;
    this.text = text;
    this.tokenizer = tokenizer;
    this.preprocessor = folder.imagePreprocessor();
    this.owner = true;
    Map<String, NodeInfo> inputs = text.getInputInfo();
    if (!inputs.containsKey(folder.textInput())) {
      throw new IllegalArgumentException(
          TowersFolder.TEXT
              + " has no input "
              + folder.textInput()
              + " (it has "
              + inputs.keySet()
              + "); set text_input in "
              + TowersFolder.PREPROCESSOR);
    }
    if (!image.getInputInfo().containsKey(folder.imageInput())) {
      throw new IllegalArgumentException(
          TowersFolder.IMAGE
              + " has no input "
              + folder.imageInput()
              + " (it has "
              + image.getInputInfo().keySet()
              + "); set image_input in "
              + TowersFolder.PREPROCESSOR);
    }
    this.textTakesMask = inputs.containsKey(folder.textMask());
    this.idType = ((TensorInfo) inputs.get(folder.textInput()).getInfo()).type;
    int imageDim =
        encodeImages(List.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)))[0].length;
    int textDim = encodeTexts(List.of("a"))[0].length;
    if (imageDim != textDim || (folder.embeddingDim() > 0 && folder.embeddingDim() != imageDim)) {
      throw new IllegalArgumentException(
          "towers disagree on the dimension: image "
              + imageDim
              + ", text "
              + textDim
              + (folder.embeddingDim() > 0 ? ", embedding_dim " + folder.embeddingDim() : ""));
    }
    this.dim = imageDim;
  }

  /** A sibling on the same sessions, checked already: only its input buffers are its own. */
  private ClipTowers(ClipTowers first) {
    this.folder = first.folder;
    this.env = first.env;
    this.image = first.image;
    this.text = first.text;
    this.tokenizer = first.tokenizer;
    this.preprocessor = first.preprocessor;
    this.textTakesMask = first.textTakesMask;
    this.idType = first.idType;
    this.dim = first.dim;
    this.owner = false;
  }

  /**
   * @param threads ONNX Runtime intra-op threads per session run
   */
  public static ClipTowers load(Path dir, int threads) throws IOException {
    TowersFolder folder = TowersFolder.read(dir);
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = OnnxSessions.options(threads);
      OrtSession image = env.createSession(dir.resolve(TowersFolder.IMAGE).toString(), options);
      OrtSession text = env.createSession(dir.resolve(TowersFolder.TEXT).toString(), options);
      return new ClipTowers(folder, env, image, text, tokenizer(folder));
    } catch (OrtException e) {
      throw new IOException(
          "ONNX Runtime cannot load the towers in " + dir + ": " + e.getMessage(), e);
    }
  }

  static Tokenizer tokenizer(TowersFolder folder) throws IOException {
    String type = folder.tokenizer().path("model").path("type").asText("");
    return switch (type) {
      case "BPE" -> BpeTokenizer.fromHuggingFaceJson(folder.tokenizer(), folder.contextLength());
      case "WordPiece" ->
          WordPieceTokenizer.fromHuggingFaceJson(folder.tokenizer(), folder.contextLength());
      default ->
          throw new IllegalArgumentException(
              TowersFolder.TOKENIZER
                  + ": model type '"
                  + type
                  + "' is not supported (BPE and WordPiece are)");
    };
  }

  @Override
  public String modelId() {
    return folder.modelId();
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public String description() {
    return "CLIP-format towers from "
        + folder.dir()
        + ", image "
        + preprocessor.size()
        + " px, context "
        + tokenizer.maxLength();
  }

  @Override
  public synchronized float[][] encodeImages(List<BufferedImage> images) {
    if (images.isEmpty()) {
      return new float[0][];
    }
    int n = images.size();
    FloatBuffer pixels = batch.direct(batch.write(preprocessor, images), n * preprocessor.length());
    long[] shape = {n, 3, preprocessor.size(), preprocessor.size()};
    try (OnnxTensor input = OnnxTensor.createTensor(env, pixels, shape);
        OrtSession.Result result = image.run(Map.of(folder.imageInput(), input))) {
      return unit(pooled(output(result, folder.imageOutput()), null, "none"));
    } catch (OrtException e) {
      throw new IllegalStateException("image tower failed on a batch of " + n, e);
    }
  }

  @Override
  public float[][] encodeTexts(List<String> texts) {
    if (texts.isEmpty()) {
      return new float[0][];
    }
    int n = texts.size();
    int length = tokenizer.maxLength();
    int[][] tokens = new int[n][];
    long[] ids = new long[n * length];
    long[] mask = new long[n * length];
    Arrays.fill(ids, folder.padTokenId());
    for (int i = 0; i < n; i++) {
      tokens[i] = tokenizer.encode(texts.get(i));
      for (int j = 0; j < tokens[i].length; j++) {
        ids[i * length + j] = tokens[i][j];
        mask[i * length + j] = 1;
      }
    }
    long[] shape = {n, length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(folder.textInput(), ids(ids, shape));
      if (textTakesMask) {
        inputs.put(folder.textMask(), ids(mask, shape));
      }
      try (OrtSession.Result result = text.run(inputs)) {
        return unit(pooled(output(result, folder.textOutput()), tokens, folder.textPooling()));
      }
    } catch (OrtException e) {
      throw new IllegalStateException("text tower failed on a batch of " + n, e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor ids(long[] values, long[] shape) throws OrtException {
    if (idType == OnnxJavaType.INT32) {
      int[] narrow = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        narrow[i] = (int) values[i];
      }
      return OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
    }
    return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
  }

  /** The named output, or the only one when the graph calls it otherwise. */
  private static Object output(OrtSession.Result result, String name) throws OrtException {
    var named = result.get(name);
    if (named.isPresent()) {
      return named.get().getValue();
    }
    if (result.size() == 1) {
      return result.get(0).getValue();
    }
    throw new IllegalArgumentException(
        "the towers have no output '"
            + name
            + "'; set image_output / text_output in "
            + TowersFolder.PREPROCESSOR);
  }

  /**
   * [n, dim] as is, or [n, tokens, dim] pooled: at the last real token (eot), the first (cls), or
   * the mean of the real ones.
   */
  static float[][] pooled(Object value, int[][] tokens, String pooling) {
    if (value instanceof float[][] rows) {
      return rows;
    }
    if (!(value instanceof float[][][] hidden) || tokens == null) {
      throw new IllegalArgumentException(
          "a tower output is neither [batch, dim] nor [batch, tokens, dim] with text_pooling set");
    }
    float[][] out = new float[hidden.length][];
    for (int i = 0; i < hidden.length; i++) {
      int real = tokens[i].length;
      switch (pooling) {
        case "eot" -> out[i] = hidden[i][real - 1].clone();
        case "cls" -> out[i] = hidden[i][0].clone();
        case "mean" -> {
          out[i] = new float[hidden[i][0].length];
          for (int t = 0; t < real; t++) {
            for (int d = 0; d < out[i].length; d++) {
              out[i][d] += hidden[i][t][d] / real;
            }
          }
        }
        default ->
            throw new IllegalArgumentException(
                "the text output is [batch, tokens, dim]: set text_pooling (eot, mean or cls) in "
                    + TowersFolder.PREPROCESSOR);
      }
    }
    return out;
  }

  private static float[][] unit(float[][] rows) {
    for (float[] row : rows) {
      UnitVectors.normalise(row);
    }
    return rows;
  }

  @Override
  public ClipTowers withOwnImageTower() {
    return new ClipTowers(this);
  }

  @Override
  public void close() {
    if (!owner) {
      return;
    }
    try {
      image.close();
      text.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
