package io.crossmodal.common.serde;

import io.crossmodal.common.event.EmbeddingRecord;
import io.crossmodal.common.event.Modality;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary wire format of {@link EmbeddingRecord} (big-endian header, little-endian floats so that
 * x86 readers copy them without swapping):
 *
 * <pre>
 * u8  format version (1)
 * u8  modality (0 image, 1 text)
 * u16 model id length, then UTF-8 model id
 * i32 dimension d, then d float32 values (little-endian)
 * i64 created-at epoch millis
 * u16 source length, then UTF-8 source
 * i32 metadata length, then UTF-8 JSON metadata
 * </pre>
 *
 * Deserialising anything else throws {@link SerializationException} naming the problem. A null
 * payload is a tombstone and stays null. Stateless and thread safe.
 */
public final class EmbeddingSerde
    implements Serde<EmbeddingRecord>, Serializer<EmbeddingRecord>, Deserializer<EmbeddingRecord> {
  public static final int FORMAT_VERSION = 1;

  /** Sanity bound for the dimension field, so a corrupt record cannot allocate gigabytes. */
  public static final int MAX_DIMENSION = 65_536;

  @Override
  public byte[] serialize(String topic, EmbeddingRecord r) {
    if (r == null) {
      return null;
    }
    byte[] model = r.modelId().getBytes(StandardCharsets.UTF_8);
    byte[] source = r.source().getBytes(StandardCharsets.UTF_8);
    byte[] metadata = r.metadata().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(
            1
                + 1
                + 2
                + model.length
                + 4
                + 4 * r.dimension()
                + 8
                + 2
                + source.length
                + 4
                + metadata.length);
    b.put((byte) FORMAT_VERSION)
        .put((byte) r.modality().ordinal())
        .putShort((short) model.length)
        .put(model)
        .putInt(r.dimension());
    b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(r.vector());
    b.position(b.position() + 4 * r.dimension());
    b.order(ByteOrder.BIG_ENDIAN)
        .putLong(r.createdAtMillis())
        .putShort((short) source.length)
        .put(source)
        .putInt(metadata.length)
        .put(metadata);
    return b.array();
  }

  @Override
  public EmbeddingRecord deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(data);
      int version = b.get() & 0xff;
      if (version != FORMAT_VERSION) {
        throw new SerializationException(
            "unsupported embedding format version "
                + version
                + " (expected "
                + FORMAT_VERSION
                + ")");
      }
      int modality = b.get();
      if (modality < 0 || modality >= Modality.values().length) {
        throw new SerializationException("unknown modality code " + modality);
      }
      String model = string(b, b.getShort() & 0xffff);
      int dim = b.getInt();
      if (dim <= 0 || dim > MAX_DIMENSION || dim * 4L > b.remaining()) {
        throw new SerializationException(
            "invalid dimension " + dim + " for a " + data.length + "-byte record");
      }
      float[] vector = new float[dim];
      b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
      b.position(b.position() + 4 * dim);
      b.order(ByteOrder.BIG_ENDIAN);
      long created = b.getLong();
      String source = string(b, b.getShort() & 0xffff);
      String metadata = string(b, b.getInt());
      if (b.hasRemaining()) {
        throw new SerializationException(
            "embedding record of "
                + data.length
                + " bytes has "
                + b.remaining()
                + " trailing bytes");
      }
      return new EmbeddingRecord(
          Modality.values()[modality], model, vector, source, metadata, created);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException(
          "truncated or corrupt embedding record of " + data.length + " bytes", e);
    }
  }

  private static String string(ByteBuffer b, int length) {
    if (length < 0 || length > b.remaining()) {
      throw new SerializationException(
          "string length " + length + " exceeds the " + b.remaining() + " bytes left");
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<EmbeddingRecord> serializer() {
    return this;
  }

  @Override
  public Deserializer<EmbeddingRecord> deserializer() {
    return this;
  }
}
