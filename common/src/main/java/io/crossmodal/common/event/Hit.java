package io.crossmodal.common.event;

import com.fasterxml.jackson.databind.JsonNode;

/** One ranked match: media id, its modality, cosine score, and the item's metadata object. */
public record Hit(String id, String modality, float score, JsonNode metadata) {}
