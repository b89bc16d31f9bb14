package io.crossmodal.model.joint;

import io.crossmodal.model.text.TextModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Where the shipped model lives: a classpath resource, or a file the user names. */
public final class DefaultModel {
  public static final String RESOURCE = "/io/crossmodal/model/default-model.cmm";

  /**
   * The shipped model's recipe (docs/model-card.md): what {@code train} and {@code features} use
   * unless told otherwise.
   */
  public static final String IMAGE_LAYER =
      "inception_v3:mixed4+mixed5,block_13_expand,mobilenet_v3:expanded_conv_11.expand+expanded_conv_12.expand";

  public static final int IMAGE_SIZE = 160;
  public static final TextModel TEXT_TOWER = TextModel.E5_SMALL_V2;

  private DefaultModel() {}

  /** The bundled model file as it is on the classpath. */
  public static byte[] bundledBytes() throws IOException {
    try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(
            "no bundled model at " + RESOURCE + "; train one with ./crossmodal train");
      }
      return in.readAllBytes();
    }
  }

  /** The file when given, else the bundled default model. */
  public static ModelFile.LoadedModel load(Path file) {
    try {
      if (file != null) {
        return ModelFile.load(file);
      }
      try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IOException(
              "no bundled model at " + RESOURCE + "; train one with ./crossmodal train");
        }
        return ModelFile.read(in, RESOURCE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
