package io.crossmodal.common.config;

/** One documented configuration key with its default (empty string means "none"). */
public record ConfigKey(String name, String defaultValue, String description) {}
