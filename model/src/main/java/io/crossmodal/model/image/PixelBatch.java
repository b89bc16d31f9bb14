package io.crossmodal.model.image;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The reusable buffers of one encoding thread's image batches: the preprocessed pixels as a float
 * array, and a direct copy for ONNX Runtime. Both grow to the largest batch seen and are reused, so
 * a batch allocates nothing here. Not thread safe: one per tower instance.
 */
public final class PixelBatch {
  private float[] pixels = new float[0];
  private FloatBuffer direct = FloatBuffer.allocate(0);

  /**
   * The images preprocessed back to back; the array may be longer than {@code images.size() ·
   * pre.length()}. Images are composited and scaled in parallel (each writes its own slice): that
   * step is ≈ 12 % of an image's time and runs while the tower's threads are idle.
   */
  public float[] write(ImagePreprocessor pre, List<BufferedImage> images) {
    int length = pre.length();
    if (pixels.length < images.size() * length) {
      pixels = new float[images.size() * length];
    }
    float[] out = pixels;
    IntStream.range(0, images.size())
        .parallel()
        .forEach(i -> pre.writeChw(images.get(i), out, i * length));
    return pixels;
  }

  /**
   * The first {@code length} floats of {@code values} in the reused direct buffer, ready to read.
   */
  public FloatBuffer direct(float[] values, int length) {
    if (direct.capacity() < length) {
      direct =
          ByteBuffer.allocateDirect(length * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
    }
    direct.clear();
    direct.put(values, 0, length).flip();
    return direct;
  }
}
