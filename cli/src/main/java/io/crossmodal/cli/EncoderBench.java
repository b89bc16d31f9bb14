package io.crossmodal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.media.ImageDecoder;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.image.ConcatenatedImageTower;
import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import io.crossmodal.model.joint.JointEncoder;
import io.crossmodal.model.joint.ModelFile.LoadedModel;
import io.crossmodal.model.joint.ModelSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code bench encoder}: image throughput of both runtimes ({@link ImageRuntime}) in one run, the
 * tower alone (random pixels) and end to end (PNG bytes → decode → composite and letterbox → tower
 * → head), at batch 1, 8, 32 and 128, with the ONNX / DL4J ratio; where the time of one image goes
 * (stages at batch 32); the tower's arithmetic rate (GFLOP/s from its multiply-adds per image), to
 * judge it against the hardware; the default runtime at 224 px; text throughput.
 *
 * <p>Inputs are the committed sample's images and captions, so every run sees the same bytes.
 */
final class EncoderBench {
  private static final int[] BATCHES = {1, 8, 32, 128};
  private static final int STAGE_BATCH = 32;

  private EncoderBench() {}

  static ObjectNode run(LoadedModel model, List<Item> items, double seconds, boolean print)
      throws Exception {
    List<byte[]> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Item i : items) {
      images.add(Files.readAllBytes(Path.of(i.image())));
      texts.add(i.captions().get(i.captions().size() - 1));
    }
    int cores = Runtime.getRuntime().availableProcessors();
    ModelSpec spec = model.spec();
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("model", spec.modelId())
        .put("image_size", spec.imageSize())
        .put("image_layer", spec.imageLayer())
        .put("cores", cores)
        .put("default_runtime", ImageRuntime.DEFAULT.key());
    long multiplyAdds = ConcatenatedImageTower.multiplyAdds(spec.imageSize(), spec.imageLayer());
    out.put("tower_multiply_adds_per_image", multiplyAdds);
    ObjectNode runtimes = out.putObject("runtimes");
    for (ImageRuntime runtime : ImageRuntime.values()) {
      if (!runtime.runs(spec.imageLayer())) {
        continue;
      }
      ObjectNode r = runtimes.putObject(runtime.key());
      try (ImageTower tower =
              runtime.load(spec.imageSize(), spec.imageLayer(), cores, model.tuned());
          JointEncoder encoder = new JointEncoder(model, cores, runtime, cores)) {
        for (int batch : BATCHES) {
          double towerRate = towerRate(tower, batch, seconds);
          double endToEnd = imageRate(encoder, images, batch, seconds);
          r.put("tower_per_s_batch_" + batch, round(towerRate))
              .put("images_per_s_batch_" + batch, round(endToEnd))
              .put("tower_gflop_s_batch_" + batch, round(2 * multiplyAdds * towerRate / 1e9));
          if (print) {
            System.out.printf(
                "%-4s batch %3d: tower %8.1f images/s, end to end %8.1f images/s%n",
                runtime.key(), batch, towerRate, endToEnd);
          }
        }
      }
    }
    for (int batch : BATCHES) {
      String key = "images_per_s_batch_" + batch;
      if (runtimes.has("dl4j")) {
        out.put(
            "onnx_over_dl4j_batch_" + batch,
            round(
                runtimes.get("onnx").get(key).asDouble()
                    / runtimes.get("dl4j").get(key).asDouble()));
      }
      out.put(key, runtimes.get(ImageRuntime.DEFAULT.key()).get(key).asDouble());
    }
    try (JointEncoder encoder = new JointEncoder(model, cores, ImageRuntime.DEFAULT, cores)) {
      out.set("stages_ms_per_image", stages(model, images, cores, seconds));
      for (int batch : BATCHES) {
        double rate = textRate(encoder, texts, batch, seconds);
        out.put("texts_per_s_batch_" + batch, round(rate));
        if (print) {
          System.out.printf("texts batch %3d: %8.1f texts/s%n", batch, rate);
        }
      }
    }
    // The same heads on 224 px features: the compute of a 224 px model (its vectors are not a
    // trained model's).
    ModelSpec large = spec.withImageSize(224);
    try (ImageTower tower =
            ImageRuntime.DEFAULT.load(224, spec.imageLayer(), cores, model.tuned());
        JointEncoder encoder =
            new JointEncoder(
                new LoadedModel(large, model.heads(), model.tuned()),
                cores,
                ImageRuntime.DEFAULT,
                cores)) {
      double towerRate = towerRate(tower, STAGE_BATCH, seconds);
      double endToEnd = imageRate(encoder, images, STAGE_BATCH, seconds);
      out.putObject("image_224px_batch_" + STAGE_BATCH)
          .put("tower_per_s", round(towerRate))
          .put("images_per_s", round(endToEnd));
      if (print) {
        System.out.printf(
            "224 px, batch %d: tower %.1f images/s, end to end %.1f images/s%n",
            STAGE_BATCH, towerRate, endToEnd);
      }
    }
    if (print) {
      System.out.println(
          "stages (ms per image, batch " + STAGE_BATCH + "): " + out.get("stages_ms_per_image"));
    }
    return out;
  }

  /**
   * Milliseconds per image of each stage, batch by batch over the sample, for the default runtime.
   */
  private static ObjectNode stages(
      LoadedModel model, List<byte[]> images, int cores, double seconds) throws Exception {
    ImageDecoder decoder = decoder();
    int size = model.spec().imageSize();
    ImagePreprocessor preprocessor = new ImagePreprocessor(size);
    float[] pixels = new float[STAGE_BATCH * preprocessor.length()];
    long decode = 0;
    long preprocess = 0;
    long tower = 0;
    long head = 0;
    int done = 0;
    try (ImageTower t =
        ImageRuntime.DEFAULT.load(size, model.spec().imageLayer(), cores, model.tuned())) {
      t.features(pixels, STAGE_BATCH); // warm-up
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (done < 3 * STAGE_BATCH || System.nanoTime() < end) {
        long t0 = System.nanoTime();
        List<BufferedImage> decoded = new ArrayList<>(STAGE_BATCH);
        for (int i = 0; i < STAGE_BATCH; i++) {
          decoded.add(decoder.decode(images.get((done + i) % images.size())));
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < STAGE_BATCH; i++) {
          preprocessor.writeChw(decoded.get(i), pixels, i * preprocessor.length());
        }
        long t2 = System.nanoTime();
        float[][] features = t.features(pixels, STAGE_BATCH);
        long t3 = System.nanoTime();
        for (float[] f : features) {
          model.heads().projectImage(f);
        }
        long t4 = System.nanoTime();
        decode += t1 - t0;
        preprocess += t2 - t1;
        tower += t3 - t2;
        head += t4 - t3;
        done += STAGE_BATCH;
      }
    }
    ObjectNode s = Json.MAPPER.createObjectNode();
    double perImage = 1e6 * done;
    s.put("decode", round3(decode / perImage))
        .put("composite_and_resize", round3(preprocess / perImage))
        .put("tower", round3(tower / perImage))
        .put("head", round3(head / perImage));
    return s;
  }

  private static double towerRate(ImageTower tower, int batch, double seconds) throws Exception {
    float[] pixels = new float[batch * 3 * tower.inputSize() * tower.inputSize()];
    SplittableRandom random = new SplittableRandom(batch);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) random.nextDouble();
    }
    return rate(batch, seconds, start -> tower.features(pixels, batch));
  }

  private static double imageRate(
      JointEncoder encoder, List<byte[]> images, int batch, double seconds) throws Exception {
    ImageDecoder decoder = decoder();
    return rate(
        batch,
        seconds,
        start -> {
          List<BufferedImage> decoded = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            decoded.add(decoder.decode(images.get((start + i) % images.size())));
          }
          encoder.encodeImages(decoded);
        });
  }

  private static double textRate(
      JointEncoder encoder, List<String> texts, int batch, double seconds) throws Exception {
    return rate(
        batch,
        seconds,
        start -> {
          List<String> chunk = new ArrayList<>(batch);
          for (int i = 0; i < batch; i++) {
            chunk.add(texts.get((start + i) % texts.size()));
          }
          encoder.encodeTexts(chunk);
        });
  }

  private static ImageDecoder decoder() {
    return new ImageDecoder(16 << 20, 40_000_000);
  }

  interface Work {
    void run(int start) throws Exception;
  }

  /** Items per second after one warm-up call, over at least {@code seconds} and 3 calls. */
  private static double rate(int batch, double seconds, Work work) throws Exception {
    work.run(0);
    long start = System.nanoTime();
    int calls = 0;
    while (calls < 3 || System.nanoTime() - start < seconds * 1e9) {
      work.run(calls * batch);
      calls++;
    }
    return calls * batch / ((System.nanoTime() - start) / 1e9);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
