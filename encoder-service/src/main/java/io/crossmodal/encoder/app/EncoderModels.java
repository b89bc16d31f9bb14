package io.crossmodal.encoder.app;

import io.crossmodal.common.models.ModelEntry;
import io.crossmodal.common.models.ModelRegistry;
import io.crossmodal.model.joint.Towers;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this encoder serves, as the model control topic says: every deployed model gets its
 * own media loop (its consumer group reads the media topics from the beginning when new: the
 * re-embedding of a blue/green deploy) and a query encoder; queries are encoded with the active
 * model only. Reconciled on every change of the control topic; a model that cannot be loaded here
 * (a towers folder missing on this host) is logged and left out, and {@code /health} says so when
 * it is the active one.
 */
final class EncoderModels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EncoderModels.class);

  /**
   * One model at work here: its towers (media, and queries with their own image tower), its media
   * loop, its query encoder.
   */
  record Running(
      ModelEntry entry,
      Towers media,
      Towers queries,
      EncodeLoop mediaLoop,
      EncodeLoop.Work queryWork,
      AutoCloseable meters) {}

  /** Starts what one model needs; the loop thread is started by the caller. */
  interface Starter {
    Running start(ModelEntry entry);
  }

  private final Starter starter;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private volatile String active;

  EncoderModels(Starter starter) {
    this.starter = starter;
  }

  /** Brings the running models in line with the control topic (called on its follower's thread). */
  synchronized void apply(ModelRegistry.State state) {
    for (ModelEntry entry : state.models().values()) {
      Running r = running.get(entry.id());
      if (r == null && !failed.contains(entry.id())) {
        try {
          running.put(entry.id(), starter.start(entry));
          LOG.info(
              "encoding media for model {} ({}) into its space", entry.id(), entry.description());
        } catch (RuntimeException e) {
          failed.add(entry.id());
          LOG.error(
              "cannot load model {} ({}); this encoder leaves it out",
              entry.id(),
              entry.description(),
              e);
        }
      }
    }
    for (String id : Set.copyOf(running.keySet())) {
      if (!state.models().containsKey(id)) {
        stop(running.remove(id));
        LOG.info("model {} dropped: its media loop stopped", id);
      }
    }
    failed.retainAll(state.models().keySet());
    if (state.activeId() != null && !state.activeId().equals(active)) {
      LOG.info("queries are encoded with model {} from now on (was {})", state.activeId(), active);
    }
    active = state.activeId();
  }

  /**
   * What encodes queries now: the active model's query encoder, or null while it is not loaded
   * here.
   */
  EncodeLoop.Work activeQueryWork() {
    String id = active;
    Running r = id == null ? null : running.get(id);
    return r == null ? null : r.queryWork();
  }

  /**
   * Towers by model id for {@code POST /v1/encode} (null = the active model), or null when that
   * model does not run here.
   */
  Function<String, Towers> queryTowers() {
    return id -> {
      Running r = running.get(id == null ? String.valueOf(active) : id);
      return r == null ? null : r.queries();
    };
  }

  String activeId() {
    return active;
  }

  /** Every media loop runs and the active model is loaded. */
  boolean healthy() {
    String id = active;
    return id != null
        && running.containsKey(id)
        && running.values().stream().allMatch(r -> r.mediaLoop().running());
  }

  Map<String, Running> running() {
    return Map.copyOf(running);
  }

  private static void stop(Running r) {
    r.mediaLoop().stop();
    try {
      r.meters().close();
    } catch (Exception e) {
      LOG.warn("cannot remove the meters of model {}: {}", r.entry().id(), e.toString());
    }
    if (r.queries() != r.media()) {
      r.queries().close();
    }
    r.media().close();
  }

  @Override
  public synchronized void close() {
    running.values().forEach(EncoderModels::stop);
    running.clear();
  }
}
