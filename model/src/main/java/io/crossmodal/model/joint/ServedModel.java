package io.crossmodal.model.joint;

import io.crossmodal.common.config.Config;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.model.clip.ClipTowers;
import io.crossmodal.model.clip.TowersFolder;
import io.crossmodal.model.image.ImageRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which model the services serve, decided in one place: a CLIP-format towers folder ({@code
 * encoder.towers.dir}) or a model file ({@code encoder.model.file} / {@code --model}; the bundled
 * default when neither is given). What gets deployed is its {@link ModelEntry} (the file's bytes
 * travel on the model control topic); the encoder loads towers from an entry, the search service
 * only needs an entry's id and dimension.
 */
public final class ServedModel {
  /** The space vectors are in: what the search service checks every vector and query against. */
  public record Identity(String modelId, int dim) {}

  private ServedModel() {}

  /**
   * The entry that deploys the configured model: a model file's bytes (the bundled one's when null)
   * or a towers folder's path.
   */
  public static ModelEntry entry(Config config, Path modelFile) {
    Path dir = towersDir(config, modelFile);
    try {
      if (dir == null) {
        byte[] bytes =
            modelFile != null ? Files.readAllBytes(modelFile) : DefaultModel.bundledBytes();
        ModelSpec spec =
            ModelFile.read(
                    new ByteArrayInputStream(bytes),
                    modelFile == null ? DefaultModel.RESOURCE : modelFile.toString())
                .spec();
        return new ModelEntry(
            spec.modelId(),
            spec.dim(),
            "model file "
                + (modelFile == null ? "(bundled default)" : modelFile.getFileName())
                + ", image tower "
                + spec.imageLayer()
                + " @"
                + spec.imageSize()
                + " px",
            bytes,
            null,
            System.currentTimeMillis());
      }
      Identity identity = identity(config, null);
      return new ModelEntry(
          identity.modelId(),
          identity.dim(),
          "towers folder " + dir.toAbsolutePath(),
          null,
          dir.toAbsolutePath().toString(),
          System.currentTimeMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The towers of a deployed model, as this encoder's config runs them. */
  public static Towers load(Config config, ModelEntry entry) {
    try {
      if (entry.carriesFile()) {
        ModelFile.LoadedModel model =
            ModelFile.read(new ByteArrayInputStream(entry.file()), "model " + entry.id());
        if (!model.spec().modelId().equals(entry.id())) {
          throw new IOException(
              "the file of model " + entry.id() + " holds model " + model.spec().modelId());
        }
        return towers(config, model);
      }
      Towers towers = ClipTowers.load(Path.of(entry.towersDir()), imageThreads(config));
      if (!towers.modelId().equals(entry.id())) {
        towers.close();
        throw new IOException(
            "towers folder "
                + entry.towersDir()
                + " holds model "
                + towers.modelId()
                + ", not "
                + entry.id());
      }
      return towers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The bundled-format model as the encoder runs it: the image runtime of {@code
   * encoder.image.runtime} with {@code encoder.image.threads} threads per batch (0 = one per core),
   * one text thread per run.
   */
  public static JointEncoder towers(Config config, ModelFile.LoadedModel model) {
    return new JointEncoder(
        model, 1, ImageRuntime.parse(config.get("encoder.image.runtime")), imageThreads(config));
  }

  /**
   * Without loading the towers when the files say enough (a towers folder without {@code
   * embedding_dim} is run once to tell).
   */
  public static Identity identity(Config config, Path modelFile) {
    Path dir = towersDir(config, modelFile);
    if (dir == null) {
      ModelSpec spec = DefaultModel.load(modelFile).spec();
      return new Identity(spec.modelId(), spec.dim());
    }
    try {
      TowersFolder folder = TowersFolder.read(dir);
      if (folder.embeddingDim() > 0) {
        return new Identity(folder.modelId(), folder.embeddingDim());
      }
      try (Towers towers = ClipTowers.load(dir, 1)) {
        return new Identity(towers.modelId(), towers.dim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path towersDir(Config config, Path modelFile) {
    String dir = config.get("encoder.towers.dir");
    if (dir.isBlank()) {
      return null;
    }
    if (modelFile != null) {
      throw new IllegalArgumentException(
          "both a model file ("
              + modelFile
              + ") and encoder.towers.dir ("
              + dir
              + ") are set; choose one");
    }
    return Path.of(dir);
  }

  private static int imageThreads(Config config) {
    int threads = config.getInt("encoder.image.threads");
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
