package io.crossmodal.model.data;

import java.util.List;

/**
 * One image with its captions: a line of the JSONL manifest.
 *
 * @param id stable id (content hash prefix for built datasets)
 * @param image image file path, absolute or relative to the manifest's folder
 * @param captions distinct captions, best first; never empty
 * @param source dataset name, e.g. {@code openclipart}
 * @param licence licence of the image and captions
 * @param split {@code train}, {@code val}, {@code test} or a held-out set's name
 * @param category coarse category when the source has one, else empty
 */
public record Item(
    String id,
    String image,
    List<String> captions,
    String source,
    String licence,
    String split,
    String category) {
  public Item {
    captions = List.copyOf(captions);
    if (captions.isEmpty()) {
      throw new IllegalArgumentException("item " + id + " has no caption");
    }
  }
}
