package io.crossmodal.model.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ContrastiveLossTest {
  @Test
  void shouldMatchSameTextsOnlyByDefault() {
    INDArray t = ContrastiveLoss.targets(new String[] {"Animal", "a dog", "animal"});
    assertArrayEquals(new float[] {0.5f, 0, 0.5f}, t.getRow(0).toFloatVector());
    assertArrayEquals(new float[] {0, 1, 0}, t.getRow(1).toFloatVector());
  }

  /** Image i's row marks every drawn caption that is one of image i's captions; not symmetric. */
  @Test
  void shouldMarkEveryCaptionOfAnImageWhenAllAreItsPositives() {
    INDArray t =
        ContrastiveLoss.targets(
            new String[] {"a dog", "animal", "a red car"},
            List.of(
                new String[] {"a dog", "animal", "pet"},
                new String[] {"a cat", "animal"},
                new String[] {"a red car"}));
    assertArrayEquals(
        new float[] {1, 1, 0},
        t.getRow(0).toFloatVector(),
        "the dog image: its own caption and 'animal'");
    assertArrayEquals(
        new float[] {0, 1, 0}, t.getRow(1).toFloatVector(), "the cat image: 'animal' only");
    assertArrayEquals(new float[] {0, 0, 1}, t.getRow(2).toFloatVector());
  }
}
