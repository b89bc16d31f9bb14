package io.crossmodal.common.models;

/**
 * Which model answers queries (key {@code active} on the control topic): one record, so a switch is
 * one write that every instance applies as it reads it.
 *
 * @param previous the model active before, what {@code model rollback} returns to (null: none)
 * @param at epoch millis of the switch
 */
public record ActiveModel(String model, String previous, long at) {
  public ActiveModel {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("the active record names no model");
    }
  }
}
