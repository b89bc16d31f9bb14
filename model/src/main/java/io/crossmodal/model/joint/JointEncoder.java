package io.crossmodal.model.joint;

import io.crossmodal.model.image.ImagePreprocessor;
import io.crossmodal.model.image.ImageRuntime;
import io.crossmodal.model.image.ImageTower;
import io.crossmodal.model.image.PixelBatch;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.text.TextTower;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The whole model at inference: frozen towers plus trained heads, turning batches of decoded images
 * or texts into unit-length vectors of the shared space, tagged with the model id.
 *
 * <p>Not thread safe (the image tower and the reusable pixel buffer are per instance); give each
 * encoding thread its own encoder. {@link #close()} frees the towers' native memory.
 */
public final class JointEncoder implements Towers {
  private final ModelFile.LoadedModel model;
  private final ModelSpec spec;
  private final ProjectionHeads heads;
  private final ImageRuntime runtime;
  private final int imageThreads;
  private final ImageTower imageTower;
  private final TextTower textTower;
  private final ImagePreprocessor preprocessor;
  private final PixelBatch batch = new PixelBatch();

  /**
   * Whether {@link #close()} frees the text tower (false for a {@link #withOwnImageTower()}
   * sibling).
   */
  private final boolean ownsTextTower;

  /** The default image runtime with one intra-op thread per core. */
  public JointEncoder(ModelFile.LoadedModel model, int textThreads) {
    this(model, textThreads, ImageRuntime.DEFAULT, Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param imageThreads threads one image batch may use (ONNX Runtime's intra-op threads)
   */
  public JointEncoder(
      ModelFile.LoadedModel model, int textThreads, ImageRuntime runtime, int imageThreads) {
    this(
        model,
        TextTower.load(TextModel.ofProvenance(model.spec().textTower()), textThreads),
        true,
        runtime,
        imageThreads);
  }

  private JointEncoder(
      ModelFile.LoadedModel model,
      TextTower textTower,
      boolean ownsTextTower,
      ImageRuntime runtime,
      int imageThreads) {
    this.model = model;
    this.spec = model.spec();
    this.heads = model.heads();
    this.runtime = runtime;
    this.imageThreads = imageThreads;
    this.imageTower =
        runtime.load(spec.imageSize(), spec.imageLayer(), imageThreads, model.tuned());
    this.textTower = textTower;
    this.ownsTextTower = ownsTextTower;
    this.preprocessor = new ImagePreprocessor(spec.imageSize());
  }

  /**
   * The same model with an image tower of its own (≈ 15 MB) and the same text tower: queries
   * encoded with it never wait behind a batch of media images in {@link #encodeImages}. Same
   * vectors as this encoder's. Closing it leaves the text tower open.
   */
  @Override
  public JointEncoder withOwnImageTower() {
    return new JointEncoder(model, textTower, false, runtime, imageThreads);
  }

  public ImageRuntime imageRuntime() {
    return runtime;
  }

  @Override
  public String description() {
    return "image tower "
        + spec.imageLayer()
        + (model.tuned() != null ? " (tuned)" : "")
        + " @"
        + spec.imageSize()
        + " px in "
        + runtime.key();
  }

  @Override
  public String modelId() {
    return spec.modelId();
  }

  @Override
  public int dim() {
    return spec.dim();
  }

  public ModelSpec spec() {
    return spec;
  }

  /**
   * One unit vector per image, in order. Synchronized: the pixel buffer is reused and the image
   * tower is not safe for concurrent use.
   */
  @Override
  public synchronized float[][] encodeImages(List<BufferedImage> images) {
    if (images.isEmpty()) {
      return new float[0][];
    }
    int n = images.size();
    float[] pixels = batch.write(preprocessor, images);
    float[][] features = imageTower.features(pixels, n);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = heads.projectImage(features[i]);
    }
    return out;
  }

  /**
   * One unit vector per text, in order; a text's vector does not depend on the others in the call.
   * Thread safe (ONNX Runtime sessions and the heads are).
   */
  @Override
  public float[][] encodeTexts(List<String> texts) {
    float[][] features = textTower.features(texts);
    float[][] out = new float[features.length][];
    for (int i = 0; i < features.length; i++) {
      out[i] = heads.projectText(features[i]);
    }
    return out;
  }

  @Override
  public void close() {
    imageTower.close();
    if (ownsTextTower) {
      textTower.close();
    }
  }
}
