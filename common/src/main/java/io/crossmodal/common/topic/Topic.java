package io.crossmodal.common.topic;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its key and value serdes, so call sites never pair a name with the wrong serde:
 * {@code builder.stream(t.name(), Consumed.with(t.keySerde(), t.valueSerde()))}. Immutable.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
