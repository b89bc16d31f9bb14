package io.crossmodal.common.topic;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its key and value serdes, so call sites never pair a name with the wrong serde:
 * {@code builder.stream(t.name(), Consumed.with(t.keySerde(), t.valueSerde()))}, or for a loop that
 * moves raw bytes (the encoder, whose one transactional producer writes embeddings and dead letters
 * alike) {@link #encodeValue} and {@link #decodeValue}. Immutable.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  /** The bytes of {@code key} as this topic's consumers read them. */
  public byte[] encodeKey(K key) {
    return keySerde.serializer().serialize(name, key);
  }

  /** The bytes of {@code value} as this topic's consumers read them. */
  public byte[] encodeValue(V value) {
    return valueSerde.serializer().serialize(name, value);
  }

  /**
   * A value read from this topic as raw bytes.
   *
   * @throws RuntimeException (Kafka's {@code SerializationException} or the serde's own) when the
   *     bytes are not such a value; callers dead-letter the record
   */
  public V decodeValue(byte[] bytes) {
    return valueSerde.deserializer().deserialize(name, bytes);
  }
}
