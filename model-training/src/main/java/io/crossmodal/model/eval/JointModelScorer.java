package io.crossmodal.model.eval;

import io.crossmodal.model.joint.ProjectionHeads;

/** Cosine similarity in the joint space: the dot product of the heads' unit vectors. */
public final class JointModelScorer implements PairScorer {
  private final String name;
  private final ProjectionHeads heads;

  public JointModelScorer(String name, ProjectionHeads heads) {
    this.name = name;
    this.heads = heads;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public float[][] score(RetrievalSet set) {
    return heads
        .projectImages(set.imageFeatures())
        .mmul(heads.projectTexts(set.textFeatures()).transpose())
        .toFloatMatrix();
  }
}
