package io.crossmodal.model.joint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.model.image.TunedLayer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The saved joint model: one file holding a JSON header (format, image size, dimension, tower
 * provenance, training summary) and the projection heads as little-endian float32 arrays, then —
 * when the header names a {@code tunedLayer} — that tower layer's trained kernel and bias.
 *
 * <p>The <b>model id</b> is {@code cm-} plus the first 16 hex digits of the SHA-256 of the file's
 * content with the id field blank, so equal weights and settings always give the same id and any
 * change gives another; every embedding carries it and the search service refuses to mix ids.
 */
public final class ModelFile {
  private static final int MAGIC = 0x434d4d44; // "CMMD"
  private static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFile() {}

  /** Writes the model and returns its content-hash id. */
  public static String save(Path file, ModelSpec spec, ProjectionHeads heads) throws IOException {
    return save(file, spec, heads, null);
  }

  /**
   * @param tuned the trained tower layer that {@code spec.tunedLayer()} names, or null when it
   *     names none
   */
  public static String save(Path file, ModelSpec spec, ProjectionHeads heads, TunedLayer tuned)
      throws IOException {
    if (!Objects.equals(spec.tunedLayer(), tuned == null ? null : tuned.layer())) {
      throw new IllegalArgumentException(
          "spec names tuned layer "
              + spec.tunedLayer()
              + ", weights are for "
              + (tuned == null ? "none" : tuned.layer()));
    }
    byte[] unsigned = encode(spec.withModelId(""), heads, tuned);
    String id = "cm-" + HexFormat.of().formatHex(sha256(unsigned)).substring(0, 16);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, encode(spec.withModelId(id), heads, tuned));
    return id;
  }

  public static LoadedModel load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  public static LoadedModel read(InputStream stream, String name) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != MAGIC) {
      throw new IOException(name + " is not a crossmodal model file");
    }
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException(
          name + ": unsupported model format " + format + " (expected " + FORMAT + ")");
    }
    byte[] header = new byte[in.readInt()];
    in.readFully(header);
    ModelSpec spec = JSON.readValue(header, ModelSpec.class);
    INDArray[] arrays = new INDArray[6];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = readArray(in);
    }
    ProjectionHeads heads =
        new ProjectionHeads(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], arrays[5]);
    TunedLayer tuned = null;
    if (spec.tunedLayer() != null) {
      INDArray kernel = readArray(in);
      INDArray bias = readArray(in);
      tuned =
          new TunedLayer(
              spec.tunedLayer(),
              (int) kernel.size(0),
              (int) kernel.size(1),
              kernel.dup('c').data().asFloat(),
              bias.dup('c').data().asFloat());
    }
    return new LoadedModel(spec, heads, tuned);
  }

  /**
   * A model as read: its spec (with id), heads, and its tuned tower layer (null when the tower is
   * as pretrained).
   */
  public record LoadedModel(ModelSpec spec, ProjectionHeads heads, TunedLayer tuned) {
    public LoadedModel(ModelSpec spec, ProjectionHeads heads) {
      this(spec, heads, null);
    }
  }

  private static byte[] encode(ModelSpec spec, ProjectionHeads heads, TunedLayer tuned)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    ObjectNode node = JSON.valueToTree(spec);
    byte[] header =
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(node)
            .getBytes(StandardCharsets.UTF_8);
    out.writeInt(header.length);
    out.write(header);
    for (INDArray a :
        new INDArray[] {
          heads.imageMean(),
          heads.imageStd(),
          heads.imageWeights(),
          heads.imageBias(),
          heads.textWeights(),
          heads.textBias()
        }) {
      writeArray(out, a);
    }
    if (tuned != null) {
      writeArray(out, Nd4j.create(tuned.kernel(), new long[] {tuned.in(), tuned.out()}, 'c'));
      writeArray(out, Nd4j.create(tuned.bias(), new long[] {1, tuned.out()}, 'c'));
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static void writeArray(DataOutputStream out, INDArray a) throws IOException {
    long[] shape = a.shape();
    out.writeInt(shape.length);
    for (long s : shape) {
      out.writeInt((int) s);
    }
    float[] values = a.dup('c').data().asFloat();
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    out.write(buf.array());
  }

  private static INDArray readArray(DataInputStream in) throws IOException {
    long[] shape = new long[in.readInt()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = in.readInt();
      count *= shape[i];
    }
    byte[] raw = new byte[Math.toIntExact(count * 4)];
    in.readFully(raw);
    float[] values = new float[(int) count];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
