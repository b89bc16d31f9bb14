package io.crossmodal.common.models;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting service does with the model it was configured with, given the control topic: on a
 * new deployment (no active model) it deploys and activates it, so a first start needs no extra
 * command; on an existing one the control topic decides, and the configured model is only deployed
 * beside the active one when asked ({@code ./crossmodal local} with another model migrates in the
 * background), never switched to without its space having caught up.
 */
public final class ModelBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBootstrap.class);

  /** What the start did. */
  public enum Outcome {
    /** New deployment: the configured model was deployed and activated. */
    ACTIVATED,
    /** The configured model is the active one (or already deployed beside it): nothing written. */
    UNCHANGED,
    /** The configured model was deployed beside the active one: its space is being filled. */
    DEPLOYED_BESIDE,
    /**
     * The configured model is not deployed and was left so: the control topic's models are served.
     */
    IGNORED
  }

  private ModelBootstrap() {}

  /**
   * @param deployBeside deploy the configured model beside another active model (else only report
   *     it)
   */
  public static Outcome apply(ModelControl control, ModelEntry configured, boolean deployBeside) {
    ModelRegistry.State s = control.state();
    if (s.activeId() == null) {
      if (!s.models().containsKey(configured.id())) {
        control.deploy(configured);
      }
      control.activate(configured.id());
      LOG.info(
          "no model active yet: deployed and activated model {} ({})",
          configured.id(),
          configured.description());
      return Outcome.ACTIVATED;
    }
    if (s.activeId().equals(configured.id()) || s.models().containsKey(configured.id())) {
      return Outcome.UNCHANGED;
    }
    if (!deployBeside) {
      LOG.info(
          "configured model {} is not deployed; serving the control topic's models (active: {}); "
              + "deploy it with ./crossmodal model deploy",
          configured.id(),
          s.activeId());
      return Outcome.IGNORED;
    }
    control.deploy(configured);
    LOG.info(
        "model {} deployed beside the active model {}: re-embedding the media into its space in the background",
        configured.id(),
        s.activeId());
    return Outcome.DEPLOYED_BESIDE;
  }
}
