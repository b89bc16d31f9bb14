package io.crossmodal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Options;
import io.crossmodal.model.data.DatasetBuilder;
import io.crossmodal.model.data.EmojiKeywords;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.data.NounKinds;
import io.crossmodal.model.data.Nouns;
import io.crossmodal.model.data.NpmPackages;
import io.crossmodal.model.data.Splits;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.image.ConcatenatedImageTower;
import io.crossmodal.model.image.MobileNetV2Graph;
import io.crossmodal.model.image.MobileNetV2Tower;
import io.crossmodal.model.joint.ContrastiveTrainer;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ModelFile;
import io.crossmodal.model.joint.ModelSpec;
import io.crossmodal.model.joint.ProjectionHeads;
import io.crossmodal.model.scratch.ScratchModel;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.text.TextTower;
import io.crossmodal.model.train.FeatureExtractor;
import io.crossmodal.model.train.FeatureStore;
import io.crossmodal.model.train.ImageView;
import io.crossmodal.model.train.NounCaptions;
import io.crossmodal.model.train.TrainingCaptions;
import io.crossmodal.model.train.TrainingPairs;
import io.crossmodal.model.train.TrainingPlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code train}: trains the projection heads on a manifest's train split and saves one model file.
 */
final class TrainCommand implements Command {
  @Override
  public String summary() {
    return "train the joint model's heads ([--manifest F] [--image-size N] [--image-layer L] [--dim D] [--epochs E] [--out F] [--resume] [--recipe heads|scratch] [--no-keyword-captions] [--no-name-nouns] [--nouns F: WordNet's index.noun] [--noun-kinds: the WordNet kinds of those nouns as captions] [--noun-definitions: their WordNet definitions as captions] [--emoji-keywords] [--tune-layer] [--multi-positive] [--augment mirrored,zoom-in,zoom-out,tinted: each training image once more per view] [--center: shift the heads' biases so the training set's embeddings have zero mean] [--text-tower minilm|e5-small-v2] [--train-percent P: train on P % of the training concepts])";
  }

  @Override
  public int run(Options o) throws Exception {
    Path manifest = o.path("manifest", Options.home().resolve("data/dataset/manifest.jsonl"));
    int size = o.getInt("image-size", DefaultModel.IMAGE_SIZE);
    String layer = o.get("image-layer", DefaultModel.IMAGE_LAYER);
    ContrastiveTrainer.Settings d = ContrastiveTrainer.Settings.defaults();
    ContrastiveTrainer.Settings settings =
        new ContrastiveTrainer.Settings(
            o.getInt("dim", d.dim()),
            o.getInt("epochs", d.epochs()),
            o.getInt("batch", d.batchSize()),
            Double.parseDouble(o.get("lr", String.valueOf(d.learningRate()))),
            Double.parseDouble(o.get("l2", String.valueOf(d.l2()))),
            o.getInt("patience", d.patience()),
            o.getInt("seed", (int) d.seed()),
            o.flag("multi-positive"));
    Path out = o.path("out", Options.home().resolve("data/models/model.cmm"));
    Path cache = o.path("cache", Options.home().resolve(".cache/features"));
    Path checkpoints =
        o.path("checkpoint-dir", out.resolveSibling(out.getFileName() + ".checkpoint"));
    boolean resume = o.flag("resume");
    String recipe = o.get("recipe", "heads");
    boolean keywordPhrases = !o.flag("no-keyword-captions");
    boolean tune = o.flag("tune-layer");
    List<ImageView> views = ImageView.parse(o.get("augment", ""));
    boolean centre = o.flag("center");
    // Measured on the validation split and not taken by default (docs/model-card.md): R@10 −0.015,
    // no concept gain.
    boolean withEmojiKeywords = keywordPhrases && o.flag("emoji-keywords");
    Path dataset = o.path("dataset-cache", Options.home().resolve(".cache/dataset"));
    TextModel textModel = TextModel.byKey(o.get("text-tower", DefaultModel.TEXT_TOWER.key()));
    int trainPercent = o.getInt("train-percent", 100);
    boolean nameNouns = !o.flag("no-name-nouns");
    Path nounIndex = o.path("nouns", DatasetBuilder.nounIndex(dataset));
    boolean nounKinds = o.flag("noun-kinds");
    boolean nounDefinitions = o.flag("noun-definitions");
    o.requireAllUsed();
    if (tune && !views.isEmpty()) {
      System.err.println("--augment needs the frozen tower's features: drop --tune-layer");
      return 2;
    }
    if ((nounKinds || nounDefinitions) && !nameNouns) {
      System.err.println(
          "--noun-kinds and --noun-definitions describe the nouns of names: drop --no-name-nouns");
      return 2;
    }
    // The kinds of nouns need WordNet's synsets too; read the index once either way.
    NounKinds kinds =
        nounKinds || nounDefinitions
            ? NounIndex.readOrExplain(
                nounIndex,
                NounKinds::read,
                "which words of a title are nouns, and their kinds",
                "train with --no-name-nouns")
            : null;
    Nouns nouns =
        kinds != null
            ? kinds.nouns()
            : nameNouns
                ? NounIndex.readOrExplain(
                    nounIndex,
                    Nouns::read,
                    "which words of a title are nouns",
                    "train with --no-name-nouns")
                : null;
    if (nameNouns && nouns == null) {
      return 2;
    }

    List<Item> items = Manifest.read(manifest);
    List<Item> train =
        Splits.subset(items.stream().filter(i -> i.split().equals("train")).toList(), trainPercent);
    List<Item> val = items.stream().filter(i -> i.split().equals("val")).toList();
    List<String> captions = new ArrayList<>();
    items.forEach(i -> captions.addAll(i.captions()));
    EmojiKeywords emojiKeywords =
        withEmojiKeywords
            ? EmojiKeywords.read(
                new NpmPackages(dataset.resolve("npm"))
                    .root(EmojiKeywords.PACKAGE, EmojiKeywords.VERSION))
            : EmojiKeywords.none();
    NounCaptions nounCaptions =
        nounKinds || nounDefinitions
            ? NounCaptions.of(kinds, train, nounKinds, nounDefinitions)
            : null;
    if (nounCaptions != null) {
      System.err.printf(
          "WordNet captions: %d kinds usable%s%n",
          nounCaptions.kindCount(), nounDefinitions ? ", definitions" : "");
    }
    TrainingCaptions trainingCaptions =
        new TrainingCaptions(keywordPhrases, emojiKeywords, nouns, nounCaptions);
    train.forEach(i -> captions.addAll(trainingCaptions.of(i)));
    FeatureStore text = FeatureExtractor.texts(captions, textModel, cache);
    FeatureStore image =
        tune
            ? FeatureExtractor.layerInputs(items, size, layer, cache)
            : FeatureExtractor.images(items, size, layer, cache);
    if (recipe.equals("scratch")) {
      return trainScratch(
          train,
          RetrievalSet.of(val, image, text),
          settings,
          o.get("epochs", null) == null ? 15 : settings.epochs(),
          out);
    } else if (!recipe.equals("heads")) {
      throw new IllegalArgumentException("--recipe expects heads or scratch, got " + recipe);
    }
    TrainingPairs pairs = TrainingPairs.of(train, image, text, trainingCaptions);
    for (ImageView view : views) {
      // Each training image once more per view, with the same captions.
      pairs =
          pairs.plus(
              TrainingPairs.of(
                  train,
                  FeatureExtractor.images(train, size, layer, cache, view),
                  text,
                  trainingCaptions));
    }
    System.err.printf("training on %d images, validating on %d%n", pairs.size(), val.size());
    long start = System.nanoTime();
    ContrastiveTrainer.Result result =
        new ContrastiveTrainer(settings)
            .train(
                pairs,
                RetrievalSet.of(val, image, text),
                checkpoints,
                resume,
                tune ? MobileNetV2Graph.pretrained(MobileNetV2Tower.archive(), layer) : null);
    double minutes = (System.nanoTime() - start) / 6e10;

    ObjectMapper json = new ObjectMapper();
    ObjectNode training = json.createObjectNode();
    training.put("manifest", manifest.getFileName().toString());
    training.put("trainImages", pairs.size());
    training.put("bestEpoch", result.bestEpoch());
    training.put("minutes", Math.round(minutes * 10) / 10.0);
    training.set("settings", json.valueToTree(settings));
    ArrayNode history = training.putArray("history");
    result
        .history()
        .forEach(
            e ->
                history
                    .addObject()
                    .put("epoch", e.epoch())
                    .put("loss", e.loss())
                    .put("valI2tR10", e.validation().imageToText().r10())
                    .put("valT2iR10", e.validation().textToImage().r10()));
    training.put("imageLayer", layer);
    training.put("keywordCaptions", keywordPhrases);
    training.put("nameNouns", nameNouns);
    if (nounCaptions != null) {
      training.put("nounKinds", nounKinds);
      training.put("nounDefinitions", nounDefinitions);
    }
    training.put("emojiKeywords", withEmojiKeywords);
    training.put("tunedLayer", tune);
    ArrayNode augment = training.putArray("augment");
    views.forEach(v -> augment.add(v.key()));
    if (centre) {
      training.put("centred", true);
    }
    training.put("textTower", textModel.key());
    String imageTower = ConcatenatedImageTower.provenance(layer);
    ModelSpec spec =
        new ModelSpec(
            "",
            settings.dim(),
            size,
            imageTower,
            textModel.provenance(),
            result.temperature(),
            training,
            layer,
            tune ? layer : null);
    ProjectionHeads heads =
        centre
            ? result.heads().centred(pairs.images(), pairs.allCaptionFeatures())
            : result.heads();
    String id = ModelFile.save(out, spec, heads, result.tuned());
    Path plot =
        out.resolveSibling(
            out.getFileName().toString().replaceFirst("\\.cmm$", "") + "-training.png");
    TrainingPlot.write(
        result.history(),
        plot,
        "crossmodal " + id + " (" + layer + ", " + size + " px, d=" + settings.dim() + ")");
    Files.writeString(
        out.resolveSibling(out.getFileName() + ".json"),
        json.writerWithDefaultPrettyPrinter().writeValueAsString(training));
    System.out.printf(
        "saved %s (model id %s, best epoch %d, %.1f min); plot %s%n",
        out, id, result.bestEpoch(), minutes, plot);
    return 0;
  }

  /** Recipe B: both towers from scratch (a comparison point for evaluate --scratch). */
  private static int trainScratch(
      List<Item> train,
      RetrievalSet val,
      ContrastiveTrainer.Settings settings,
      int epochs,
      Path out)
      throws Exception {
    long start = System.nanoTime();
    ScratchModel model =
        ScratchModel.train(
            train, val, TextTower.loadTokenizer(), settings.dim(), epochs, 64, settings.seed());
    model.save(out);
    System.out.printf(
        "saved scratch model %s (%.1f min)%n", out, (System.nanoTime() - start) / 6e10);
    return 0;
  }
}
