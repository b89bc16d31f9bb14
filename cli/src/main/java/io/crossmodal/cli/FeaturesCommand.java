package io.crossmodal.cli;

import io.crossmodal.common.config.Options;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.train.FeatureExtractor;
import java.nio.file.Path;
import java.util.List;

/** {@code features}: precomputes the frozen towers' features for a manifest (train does it too). */
final class FeaturesCommand implements Command {
  @Override
  public String summary() {
    return "cache frozen-tower features for a manifest ([--manifest F] [--image-size N] [--image-layer L] [--text-tower minilm|e5-small-v2] [--cache DIR])";
  }

  @Override
  public int run(Options o) throws Exception {
    Path manifest = o.path("manifest", Options.home().resolve("data/dataset/manifest.jsonl"));
    int size = o.getInt("image-size", DefaultModel.IMAGE_SIZE);
    String layer = o.get("image-layer", DefaultModel.IMAGE_LAYER);
    Path cache = o.path("cache", Options.home().resolve(".cache/features"));
    TextModel textModel = TextModel.byKey(o.get("text-tower", DefaultModel.TEXT_TOWER.key()));
    o.requireAllUsed();
    List<Item> items = Manifest.read(manifest);
    FeatureExtractor.texts(items, textModel, cache);
    FeatureExtractor.images(items, size, layer, cache);
    return 0;
  }
}
