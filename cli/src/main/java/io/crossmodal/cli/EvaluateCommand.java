package io.crossmodal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossmodal.common.config.Options;
import io.crossmodal.common.query.SearchMode;
import io.crossmodal.model.data.DatasetBuilder;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.data.NounKinds;
import io.crossmodal.model.data.Nouns;
import io.crossmodal.model.eval.ConceptBenchmark;
import io.crossmodal.model.eval.CslsScorer;
import io.crossmodal.model.eval.Evaluation;
import io.crossmodal.model.eval.JointModelScorer;
import io.crossmodal.model.eval.PairScorer;
import io.crossmodal.model.eval.RandomScorer;
import io.crossmodal.model.eval.RetrievalSet;
import io.crossmodal.model.joint.DefaultModel;
import io.crossmodal.model.joint.ModelFile;
import io.crossmodal.model.scratch.ScratchModel;
import io.crossmodal.model.seed.SeedRecipe;
import io.crossmodal.model.text.TextModel;
import io.crossmodal.model.text.TextTower;
import io.crossmodal.model.train.FeatureExtractor;
import io.crossmodal.model.train.FeatureStore;
import io.crossmodal.model.train.TrainingCaptions;
import io.crossmodal.model.train.TrainingPairs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code evaluate}: Recall@1/5/10 and median rank in both directions for the model, the seed recipe
 * (trained here on the same train split) and random ranking, on one split, in one run.
 */
final class EvaluateCommand implements Command {
  @Override
  public String summary() {
    return "Recall@K of model vs seed recipe vs random ([--model F] [--split test|val|tuxpaint] [--json] [--no-seed] [--scratch F]"
        + " [--modes [--metadata captions|title]]: also the search modes lexical and hybrid, images published with those words)"
        + " [--misses]: the one-word concept queries the model misses (judged by meaning), on stderr"
        + " [--nouns F]: WordNet's index.noun"
        + " [--csls K]: also the model with the CSLS hubness correction, neighbourhoods of K in the training split"
        + " [--query-template T]: the concept queries as T with {} the query (\"a drawing of {}\")";
  }

  @Override
  public int run(Options o) throws Exception {
    Path manifest = o.path("manifest", Options.home().resolve("data/dataset/manifest.jsonl"));
    Path modelFile = o.path("model", null);
    String split = o.get("split", "test");
    boolean asJson = o.flag("json");
    boolean withSeed = !o.flag("no-seed");
    int seedEpochs = o.getInt("seed-epochs", 5);
    Path scratch = o.path("scratch", null);
    Path cache = o.path("cache", Options.home().resolve(".cache/features"));
    boolean modes = o.flag("modes");
    String metadata = o.get("metadata", "captions");
    boolean misses = o.flag("misses");
    int csls = o.getInt("csls", 0);
    String queryTemplate = o.get("query-template", "{}");
    Path nounIndex =
        o.path("nouns", DatasetBuilder.nounIndex(Options.home().resolve(".cache/dataset")));
    o.requireAllUsed();

    NounKinds kinds =
        NounIndex.readOrExplain(
            nounIndex, NounKinds::read, "the concept benchmark's vocabulary", null);
    if (kinds == null) {
      return 2;
    }
    Nouns nouns = kinds.nouns();
    ModelFile.LoadedModel model = DefaultModel.load(modelFile);
    int size = model.spec().imageSize();
    List<Item> items = Manifest.read(manifest);
    List<Item> chosen = items.stream().filter(i -> i.split().equals(split)).toList();
    if (chosen.isEmpty()) {
      System.err.println("no items in split '" + split + "' of " + manifest);
      return 2;
    }
    TextModel textModel = TextModel.ofProvenance(model.spec().textTower());
    FeatureStore text = FeatureExtractor.texts(items, textModel, cache);
    // The baselines run on the frozen tower's features; the model on its own tower's (tuned layer
    // included).
    FeatureStore image = FeatureExtractor.images(items, size, model.spec().imageLayer(), cache);
    boolean tuned = model.tuned() != null;
    FeatureStore modelImage = tuned ? FeatureExtractor.imagesOfTuned(items, model, cache) : image;
    RetrievalSet set = RetrievalSet.of(chosen, modelImage, text);
    RetrievalSet frozenSet = tuned ? RetrievalSet.of(chosen, image, text) : set;

    List<PairScorer> scorers = new ArrayList<>();
    PairScorer modelScorer = new JointModelScorer("model", model.heads());
    scorers.add(modelScorer);
    if (modes) {
      // The search service's other modes over the same images; the vector signal is the model's.
      scorers.add(
          new SearchModeScorer(
              SearchMode.LEXICAL, modelScorer, SearchModeScorer.metadata(metadata)));
      scorers.add(
          new SearchModeScorer(
              SearchMode.HYBRID, modelScorer, SearchModeScorer.metadata(metadata)));
    }
    if (csls > 0) {
      List<Item> train = items.stream().filter(i -> i.split().equals("train")).toList();
      scorers.add(
          new CslsScorer("csls", model.heads(), RetrievalSet.of(train, modelImage, text), csls));
    }
    if (scratch != null) {
      scorers.add(ScratchModel.load(scratch, TextTower.loadTokenizer()));
    }
    if (withSeed) {
      List<Item> train = items.stream().filter(i -> i.split().equals("train")).toList();
      scorers.add(
          SeedRecipe.train(
              TrainingPairs.of(train, image, text, TrainingCaptions.own()),
              TextTower.loadTokenizer(),
              seedEpochs,
              42));
    }
    scorers.add(new RandomScorer(42));

    List<ConceptBenchmark.Query> queries = ConceptBenchmark.queries(set.images(), 300, 100, nouns);
    // The concept queries as the text tower reads them: as typed, or inside a template.
    List<String> queryTexts =
        queries.stream().map(q -> queryTemplate.replace("{}", q.text())).toList();
    FeatureStore queryText = FeatureExtractor.texts(queryTexts, textModel, cache);
    RetrievalSet concepts =
        RetrievalSet.ofQueries(
            set.images(),
            queryTexts,
            (item, q) -> ConceptBenchmark.relevant(item, queries.get(q)),
            modelImage,
            queryText);
    List<Set<Integer>> byMeaning =
        ConceptBenchmark.relevantByMeaning(concepts.images(), queries, kinds);
    RetrievalSet frozenConcepts =
        tuned
            ? RetrievalSet.ofQueries(
                set.images(),
                queryTexts,
                (item, q) -> ConceptBenchmark.relevant(item, queries.get(q)),
                image,
                queryText)
            : concepts;
    List<Set<Integer>> frozenByMeaning =
        tuned
            ? ConceptBenchmark.relevantByMeaning(frozenConcepts.images(), queries, kinds)
            : byMeaning;

    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    out.put("split", split);
    out.put("model_id", model.spec().modelId());
    ObjectNode conceptOut = json.createObjectNode();
    ObjectNode meaningOut = json.createObjectNode();
    if (modes) {
      out.put("metadata", metadata);
    }
    List<List<Integer>> modelTop = null;
    for (PairScorer s : scorers) {
      boolean own =
          s instanceof JointModelScorer || s instanceof SearchModeScorer || s instanceof CslsScorer;
      out.set(s.name(), Evaluation.run(s, own ? set : frozenSet).toJson());
      List<List<Integer>> top = ConceptBenchmark.topFive(s, own ? concepts : frozenConcepts);
      conceptOut.set(
          s.name(),
          ConceptBenchmark.run(top, (own ? concepts : frozenConcepts).imagesOfCaption(), queries));
      meaningOut.set(
          s.name(), ConceptBenchmark.run(top, own ? byMeaning : frozenByMeaning, queries));
      modelTop = s == modelScorer ? top : modelTop;
    }
    out.set("concepts", conceptOut);
    out.set("concepts_by_meaning", meaningOut);
    if (misses) {
      // On stderr, so that --json stays one object: the one-word queries that fail, and what came
      // instead.
      for (ConceptBenchmark.Miss m :
          ConceptBenchmark.misses(modelTop, byMeaning, concepts, queries)) {
        System.err.printf(
            "miss %-14s (%d images): %s%n", m.query(), m.relevant(), String.join(" | ", m.found()));
      }
    }
    if (asJson) {
      System.out.println(json.writeValueAsString(out));
    } else {
      printTable(out, scorers, set);
    }
    return 0;
  }

  private static void printTable(ObjectNode out, List<PairScorer> scorers, RetrievalSet set) {
    System.out.printf(
        "split %s: %d images, %d distinct captions; model %s%n",
        out.get("split").asText(),
        set.images().size(),
        set.captions().size(),
        out.get("model_id").asText());
    if (out.has("metadata")) {
      System.out.printf(
          "lexical, hybrid: images published with their %s as metadata; their i2t figures mean nothing (an image query has no words)%n",
          out.get("metadata").asText());
    }
    System.out.printf(
        "%-8s %8s %8s %8s %8s | %8s %8s %8s %8s%n",
        "", "i2t R@1", "R@5", "R@10", "medR", "t2i R@1", "R@5", "R@10", "medR");
    for (PairScorer s : scorers) {
      var r = out.get(s.name());
      System.out.printf(
          "%-8s %8.3f %8.3f %8.3f %8.1f | %8.3f %8.3f %8.3f %8.1f%n",
          s.name(),
          r.get("i2t_r1").asDouble(),
          r.get("i2t_r5").asDouble(),
          r.get("i2t_r10").asDouble(),
          r.get("i2t_median_rank").asDouble(),
          r.get("t2i_r1").asDouble(),
          r.get("t2i_r5").asDouble(),
          r.get("t2i_r10").asDouble(),
          r.get("t2i_median_rank").asDouble());
    }
    var c = out.get("concepts");
    System.out.printf(
        "%nconcept queries (text→image over the split's images, top 5): %d one-word, %d two-word%n",
        c.get(scorers.get(0).name()).get("one_word_queries").asInt(),
        c.get(scorers.get(0).name()).get("two_words_queries").asInt());
    for (String kind : new String[] {"concepts", "concepts_by_meaning"}) {
      System.out.println(
          kind.equals("concepts")
              ? "relevant: the query's words among the image's captions' words"
              : "relevant by meaning: also the kinds its captions' nouns name (WordNet hypernyms: a seagull is a bird)");
      System.out.printf(
          "%-8s %10s %10s | %10s %10s%n", "", "1w hit@5", "1w P@5", "2w hit@5", "2w P@5");
      for (PairScorer s : scorers) {
        var r = out.get(kind).get(s.name());
        System.out.printf(
            "%-8s %10.3f %10.3f | %10.3f %10.3f%n",
            s.name(),
            r.get("one_word_hit5").asDouble(),
            r.get("one_word_precision5").asDouble(),
            r.get("two_words_hit5").asDouble(),
            r.get("two_words_precision5").asDouble());
      }
    }
  }
}
