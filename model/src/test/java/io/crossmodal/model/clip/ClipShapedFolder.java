package io.crossmodal.model.clip;

import io.crossmodal.model.onnx.OnnxProtos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;

/**
 * Writes a small CLIP-shaped towers folder for tests: random weights in the real graph shapes
 * (image: patch convolution, ReLU, global average pool, projection to {@code image_embeds}; text:
 * token embedding, masked sum, projection to {@code text_embeds}), a CLIP-style BPE {@code
 * tokenizer.json} and a Hugging Face {@code preprocessor_config.json}. The weights stay here so a
 * test can compute the expected vectors by hand.
 */
public final class ClipShapedFolder {
  static final int SIZE = 32;
  static final int PATCH = 8;
  static final int CHANNELS = 4;
  static final int WIDTH = 6;
  public static final int DIM = 5;
  static final int CONTEXT = 8;
  static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  final Map<String, Integer> vocab = new LinkedHashMap<>();
  final float[] conv; // [CHANNELS, 3, PATCH, PATCH]
  final float[] convBias;
  final float[] imageProjection; // [CHANNELS, DIM]
  final float[] embedding; // [vocab, WIDTH]
  final float[] textProjection; // [WIDTH, DIM]
  final int bos;
  final int eos;

  public ClipShapedFolder(long seed) {
    for (char c = 'a'; c <= 'z'; c++) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    for (char c = 'a'; c <= 'z'; c++) {
      vocab.put(c + "</w>", vocab.size());
    }
    for (String t : List.of("!</w>", "re", "red</w>", "ca", "car</w>", "do", "dog</w>")) {
      vocab.put(t, vocab.size());
    }
    bos = vocab.size();
    vocab.put("<|startoftext|>", bos);
    eos = vocab.size();
    vocab.put("<|endoftext|>", eos);
    SplittableRandom random = new SplittableRandom(seed);
    conv = gaussian(random, CHANNELS * 3 * PATCH * PATCH, 0.1);
    convBias = gaussian(random, CHANNELS, 0.1);
    imageProjection = gaussian(random, CHANNELS * DIM, 1);
    embedding = gaussian(random, vocab.size() * WIDTH, 1);
    textProjection = gaussian(random, WIDTH * DIM, 1);
  }

  /**
   * Merges in rank order: "r e" before "re d</w>", so "red" becomes one token and "dot" stops at
   * "do" + "t</w>".
   */
  static final List<String> MERGES =
      List.of("r e", "re d</w>", "c a", "ca r</w>", "d o", "do g</w>");

  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(TowersFolder.IMAGE), imageModel().toByteArray());
    Files.write(dir.resolve(TowersFolder.TEXT), textModel().toByteArray());
    Files.writeString(dir.resolve(TowersFolder.TOKENIZER), tokenizerJson());
    Files.writeString(
        dir.resolve(TowersFolder.PREPROCESSOR),
        """
        {"crop_size": {"height": %d, "width": %d}, "do_center_crop": true, "do_normalize": true, "do_resize": true,
         "image_mean": [%s, %s, %s], "image_std": [%s, %s, %s], "resample": 3, "size": {"shortest_edge": %d}}
        """
            .formatted(SIZE, SIZE, MEAN[0], MEAN[1], MEAN[2], STD[0], STD[1], STD[2], SIZE));
    return dir;
  }

  String tokenizerJson() {
    StringBuilder v = new StringBuilder();
    vocab.forEach(
        (k, id) ->
            v.append(v.length() == 0 ? "" : ",")
                .append('"')
                .append(k.replace("\"", "\\\""))
                .append("\":")
                .append(id));
    StringBuilder m = new StringBuilder();
    MERGES.forEach(x -> m.append(m.length() == 0 ? "" : ",").append('"').append(x).append('"'));
    return """
        {"version": "1.0", "truncation": {"max_length": %d}, "padding": null,
         "added_tokens": [{"id": %d, "content": "<|startoftext|>", "special": true}, {"id": %d, "content": "<|endoftext|>", "special": true}],
         "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\\\s+"}, "content": " "},
           {"type": "Lowercase"}]},
         "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
           {"type": "Split", "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d|[\\\\p{L}]+|[\\\\p{N}]|[^\\\\s\\\\p{L}\\\\p{N}]+"}, "behavior": "Removed", "invert": true},
           {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
         "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", %d], "cls": ["<|startoftext|>", %d]},
         "model": {"type": "BPE", "unk_token": "<|endoftext|>", "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
           "vocab": {%s}, "merges": [%s]}}
        """
        .formatted(CONTEXT, bos, eos, eos, bos, v, m);
  }

  private ModelProto imageModel() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("clip_image")
            .addInput(
                OnnxProtos.value("pixel_values", TensorProto.DataType.FLOAT, -1, 3, SIZE, SIZE))
            .addInitializer(OnnxProtos.floats("W", conv, CHANNELS, 3, PATCH, PATCH))
            .addInitializer(OnnxProtos.floats("B", convBias, CHANNELS))
            .addInitializer(OnnxProtos.floats("P", imageProjection, CHANNELS, DIM))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Conv")
                    .addInput("pixel_values")
                    .addInput("W")
                    .addInput("B")
                    .addOutput("patches")
                    .addAttribute(OnnxProtos.intsAttr("kernel_shape", PATCH, PATCH))
                    .addAttribute(OnnxProtos.intsAttr("strides", PATCH, PATCH)))
            .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("patches").addOutput("relu"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("GlobalAveragePool")
                    .addInput("relu")
                    .addOutput("pooled"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Flatten")
                    .addInput("pooled")
                    .addOutput("flat")
                    .addAttribute(OnnxProtos.intAttr("axis", 1)))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("MatMul")
                    .addInput("flat")
                    .addInput("P")
                    .addOutput("image_embeds"))
            .addOutput(OnnxProtos.value("image_embeds", TensorProto.DataType.FLOAT, -1, DIM));
    return model(g);
  }

  private ModelProto textModel() {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("clip_text")
            .addInput(OnnxProtos.value("input_ids", TensorProto.DataType.INT64, -1, -1))
            .addInput(OnnxProtos.value("attention_mask", TensorProto.DataType.INT64, -1, -1))
            .addInitializer(OnnxProtos.floats("E", embedding, vocab.size(), WIDTH))
            .addInitializer(OnnxProtos.floats("Q", textProjection, WIDTH, DIM))
            .addInitializer(OnnxProtos.longs("axis2", new long[] {2}, 1))
            .addInitializer(OnnxProtos.longs("axis1", new long[] {1}, 1))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Gather")
                    .addInput("E")
                    .addInput("input_ids")
                    .addOutput("tokens"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Cast")
                    .addInput("attention_mask")
                    .addOutput("maskf")
                    .addAttribute(OnnxProtos.intAttr("to", TensorProto.DataType.FLOAT.getNumber())))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Unsqueeze")
                    .addInput("maskf")
                    .addInput("axis2")
                    .addOutput("mask3"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Mul")
                    .addInput("tokens")
                    .addInput("mask3")
                    .addOutput("masked"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("ReduceSum")
                    .addInput("masked")
                    .addInput("axis1")
                    .addOutput("summed")
                    .addAttribute(OnnxProtos.intAttr("keepdims", 0)))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("MatMul")
                    .addInput("summed")
                    .addInput("Q")
                    .addOutput("text_embeds"))
            .addOutput(OnnxProtos.value("text_embeds", TensorProto.DataType.FLOAT, -1, DIM));
    return model(g);
  }

  private static ModelProto model(GraphProto.Builder g) {
    return ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("crossmodal-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(g)
        .build();
  }

  private static float[] gaussian(SplittableRandom random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      // Box–Muller: a normal sample from two uniform ones.
      v[i] =
          (float)
              (scale
                  * Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                  * Math.cos(2 * Math.PI * random.nextDouble()));
    }
    return v;
  }
}
