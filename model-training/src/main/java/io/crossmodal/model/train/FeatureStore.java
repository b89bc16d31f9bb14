package io.crossmodal.model.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frozen-tower features cached on disk by key (item id for images, caption text for texts), so
 * training epochs and evaluations never rerun the towers. Written atomically (temp file + move) so
 * an interrupted extraction keeps what it had saved. A store {@link #inMemory} has no file: it
 * holds features derived from cached ones (the parts of a concatenated layer), cheap to rebuild.
 *
 * <p>Not thread safe.
 */
public final class FeatureStore {
  private static final int MAGIC = 0x434d4645; // "CMFE"
  private final Path file;
  private final int dim;
  private final Map<String, float[]> features = new LinkedHashMap<>();

  private FeatureStore(Path file, int dim) {
    this.file = file;
    this.dim = dim;
  }

  public static FeatureStore open(Path file, int dim) throws IOException {
    FeatureStore store = new FeatureStore(file, dim);
    if (Files.exists(file)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        if (in.readInt() != MAGIC || in.readInt() != dim) {
          throw new IOException(file + " is not a feature file of dimension " + dim);
        }
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          String key = in.readUTF();
          float[] v = new float[dim];
          for (int d = 0; d < dim; d++) {
            v[d] = in.readFloat();
          }
          store.features.put(key, v);
        }
      }
    }
    return store;
  }

  /** A store without a file, for features derived from cached ones; {@link #save()} refuses it. */
  public static FeatureStore inMemory(int dim) {
    return new FeatureStore(null, dim);
  }

  public int dim() {
    return dim;
  }

  public float[] get(String key) {
    return features.get(key);
  }

  public boolean contains(String key) {
    return features.containsKey(key);
  }

  public void put(String key, float[] vector) {
    if (vector.length != dim) {
      throw new IllegalArgumentException("expected dim " + dim + ", got " + vector.length);
    }
    features.put(key, vector);
  }

  public int size() {
    return features.size();
  }

  public void save() throws IOException {
    if (file == null) {
      throw new IllegalStateException("an in-memory feature store has no file to save to");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
      out.writeInt(MAGIC);
      out.writeInt(dim);
      out.writeInt(features.size());
      for (Map.Entry<String, float[]> e : features.entrySet()) {
        out.writeUTF(e.getKey());
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
