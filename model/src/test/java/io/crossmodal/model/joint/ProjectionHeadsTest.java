package io.crossmodal.model.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProjectionHeadsTest {
  @Test
  void shouldShiftOnlyTheBiasesSoThatTheGivenFeaturesProjectToAZeroMeanWhenCentred() {
    ProjectionHeads heads = ProjectionHeads.random(6, 4, 3, 7);
    Nd4j.getRandom().setSeed(11);
    // Features with a common offset, as a tower's are: their projections share a direction.
    INDArray images = Nd4j.randn(DataType.FLOAT, 50, 6).addi(2);
    INDArray texts = Nd4j.randn(DataType.FLOAT, 40, 4).addi(1);
    ProjectionHeads centred = heads.centred(images, texts);

    INDArray imageOut =
        centred.standardise(images).mmul(centred.imageWeights()).addiRowVector(centred.imageBias());
    INDArray textOut =
        ProjectionHeads.unit(texts).mmul(centred.textWeights()).addiRowVector(centred.textBias());
    assertArrayEquals(
        new float[3],
        imageOut.mean(0).toFloatVector(),
        1e-4f,
        "images centred before the normalisation");
    assertArrayEquals(
        new float[3],
        textOut.mean(0).toFloatVector(),
        1e-4f,
        "texts centred before the normalisation");
    assertEquals(heads.imageWeights(), centred.imageWeights());
    assertEquals(heads.textWeights(), centred.textWeights());
    assertTrue(
        heads.imageBias().sub(centred.imageBias()).norm2Number().doubleValue() > 1e-3,
        "the image bias moved");
    // The plain-Java path agrees with the ND4J one on the centred heads.
    float[] one = images.getRow(0).toFloatVector();
    assertArrayEquals(
        centred.projectImages(images.getRow(0).reshape(1, 6)).toFloatVector(),
        centred.projectImage(one),
        1e-5f);
  }
}
