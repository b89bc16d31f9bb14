package io.crossmodal.common.models;

/**
 * A deployed model as the control topic records it (key {@code model/<id>}): what a search instance
 * needs to open its space (id, dimension) and what an encoder needs to load it — the model file
 * itself (a few MB, so every encoder instance gets it from the topic, no file to copy) or, for a
 * CLIP-format towers folder too large for a record, the folder's path on the encoders.
 *
 * @param file the model file's bytes, or null for a towers folder
 * @param towersDir the towers folder, or null for a model file
 * @param deployedAt epoch millis of the deploy
 */
public record ModelEntry(
    String id, int dim, String description, byte[] file, String towersDir, long deployedAt) {
  public ModelEntry {
    if (id == null || !id.matches("[A-Za-z0-9_.-]{1,100}")) {
      throw new IllegalArgumentException(
          "a model id is 1-100 letters, digits, '.', '_' or '-' (it names topics), got " + id);
    }
    if (dim < 1 || dim > 65_536) {
      throw new IllegalArgumentException(
          "model " + id + ": dimension must be 1..65536, got " + dim);
    }
    if ((file == null) == (towersDir == null || towersDir.isBlank())) {
      throw new IllegalArgumentException(
          "model " + id + ": exactly one of a model file or a towers folder");
    }
  }

  /** Whether an encoder can load it from the record alone. */
  public boolean carriesFile() {
    return file != null;
  }
}
