package io.crossmodal.cli;

import io.crossmodal.common.app.ServiceLauncher;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.config.Options;
import io.crossmodal.common.models.ActiveModel;
import io.crossmodal.common.models.ModelControl;
import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelProgress;
import io.crossmodal.common.models.ModelRegistry;
import io.crossmodal.common.models.ModelSpace;
import io.crossmodal.model.joint.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code model}: the blue/green lifecycle on the model control topic. {@code deploy FILE|DIR}
 * starts the new model's encoders and search index beside the active one (they replay the media
 * topics into its space); {@code status} shows each model's progress; {@code activate ID} switches
 * queries to a model; {@code deploy --auto} switches by itself once the new space has caught up;
 * {@code rollback} returns to the previous model; {@code drop ID} frees a model that is not active.
 */
final class ModelCommand implements Command {
  private static final String USAGE =
      "usage: ./crossmodal model deploy FILE|TOWERS-DIR [--auto] [--timeout-s N] | status | activate ID"
          + " | rollback | drop ID   [--bootstrap-servers H:P] [--config F] [--set k=v,…]";

  @Override
  public String summary() {
    return "model lifecycle: deploy FILE|DIR [--auto], status, activate ID, rollback, drop ID";
  }

  @Override
  public int run(Options o) throws Exception {
    boolean auto = o.flag("auto");
    long timeoutSeconds = o.getInt("timeout-s", 86_400);
    Config config = ServiceLauncher.config(o);
    o.requireAllUsed();
    List<String> args = o.positional();
    if (args.isEmpty()) {
      System.err.println(USAGE);
      return 2;
    }
    ModelControl control = new ModelControl(config);
    try {
      switch (args.get(0) + "/" + args.size()) {
        case "deploy/2" -> {
          return deploy(
              config, control, Path.of(args.get(1)), auto, Duration.ofSeconds(timeoutSeconds));
        }
        case "status/1" -> status(config, control.state());
        case "activate/2" -> print("active", control.activate(args.get(1)));
        case "rollback/1" -> print("rolled back: active", control.rollback());
        case "drop/2" -> drop(control, args.get(1));
        default -> {
          System.err.println(USAGE);
          return 2;
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("model " + args.get(0) + ": " + e.getMessage());
      return 1;
    }
    return 0;
  }

  private static int deploy(
      Config config, ModelControl control, Path path, boolean auto, Duration timeout)
      throws Exception {
    Config withPath =
        Files.isDirectory(path)
            ? config.with(Map.of("encoder.towers.dir", path.toAbsolutePath().toString()))
            : config;
    ModelEntry entry = ServedModel.entry(withPath, Files.isDirectory(path) ? null : path);
    control.deploy(entry);
    System.out.println(
        "deployed model "
            + entry.id()
            + " ("
            + entry.description()
            + "): its encoders replay the media into "
            + ModelSpace.topics(config.topicNames(), entry.id()).embeddings());
    if (!auto) {
      System.out.println(
          "follow it with ./crossmodal model status; switch with ./crossmodal model activate "
              + entry.id());
      return 0;
    }
    long[] lastPrint = {0};
    ActiveModel active =
        control.activateWhenCaughtUp(
            entry.id(),
            timeout,
            p -> {
              if (System.currentTimeMillis() - lastPrint[0] >= 5_000) {
                lastPrint[0] = System.currentTimeMillis();
                System.out.printf(
                    "  %s: %d / %d media encoded, %d embeddings to index%n",
                    entry.id(), p.mediaDone(), p.mediaTotal(), p.searchLag());
              }
            });
    if (active == null) {
      System.err.println(
          "model "
              + entry.id()
              + " did not catch up within "
              + timeout.toSeconds()
              + " s; nothing switched");
      return 1;
    }
    print("caught up; active", active);
    return 0;
  }

  /** Each deployed model's progress, measured twice 2 s apart for the rate and the time left. */
  private static void status(Config config, ModelRegistry.State state) throws InterruptedException {
    if (state.models().isEmpty()) {
      System.out.println(
          "no model deployed yet (an encoder's first start deploys and activates its model)");
      return;
    }
    Map<String, ModelProgress.Snapshot> first = new LinkedHashMap<>();
    for (String id : state.models().keySet()) {
      first.put(id, ModelProgress.of(config, id));
    }
    Thread.sleep(2_000);
    System.out.printf(
        "%-28s %-8s %-24s %-12s %-10s %s%n",
        "model", "state", "media encoded", "rate/s", "to index", "eta");
    Map<String, ModelProgress.Snapshot> second = new LinkedHashMap<>();
    for (ModelEntry m : state.models().values()) {
      ModelProgress.Snapshot a = first.get(m.id());
      ModelProgress.Snapshot b = ModelProgress.of(config, m.id());
      second.put(m.id(), b);
      double rate =
          (b.mediaDone() - a.mediaDone()) * 1000.0 / Math.max(1, b.atMillis() - a.atMillis());
      String eta =
          b.mediaLag() == 0 ? "-" : rate <= 0 ? "?" : Math.round(b.mediaLag() / rate) + " s";
      String role =
          m.id().equals(state.activeId())
              ? "active"
              : state.active() != null && m.id().equals(state.active().previous())
                  ? "previous"
                  : "deployed";
      System.out.printf(
          "%-28s %-8s %-24s %-12.1f %-10d %s%n",
          m.id(), role, b.mediaDone() + " / " + b.mediaTotal(), rate, b.searchLag(), eta);
    }
    String active = state.activeId();
    for (ModelEntry m : state.models().values()) {
      if (active != null && !m.id().equals(active) && second.get(m.id()).caughtUp()) {
        boolean same = ModelProgress.sameIds(config, active, m.id());
        System.out.println(
            m.id()
                + ": caught up; "
                + (same
                    ? "its index holds the same ids as " + active + ": ready to activate"
                    : "its ids differ from " + active + "'s (ingests in flight?)"));
      }
    }
  }

  /**
   * Tombstones the model, waits until its encoders and index have left their groups, then deletes
   * its topics and groups.
   */
  private static void drop(ModelControl control, String id) throws InterruptedException {
    if (control.dropAndFree(id, Duration.ofSeconds(120))) {
      System.out.println(
          "dropped model " + id + ": its topics, index state and groups are deleted");
    } else {
      System.err.println(
          "model "
              + id
              + " dropped, but its groups still have members after 120 s; its topics are kept");
    }
  }

  private static void print(String what, ActiveModel a) {
    System.out.println(
        what
            + ": "
            + a.model()
            + (a.previous() == null ? "" : " (previous: " + a.previous() + ")"));
  }
}
