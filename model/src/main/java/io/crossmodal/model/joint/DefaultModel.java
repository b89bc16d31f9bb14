package io.crossmodal.model.joint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Where the shipped model lives: a classpath resource, or a file the user names. */
public final class DefaultModel {
  public static final String RESOURCE = "/io/crossmodal/model/default-model.cmm";

  private DefaultModel() {}

  /** The bundled model file as it is on the classpath. */
  public static byte[] bundledBytes() throws IOException {
    try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("no bundled model at " + RESOURCE + "; train one with ./crossmodal train");
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
          throw new IOException("no bundled model at " + RESOURCE + "; train one with ./crossmodal train");
        }
        return ModelFile.read(in, RESOURCE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
