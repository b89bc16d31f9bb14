package io.crossmodal.model.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.crossmodal.model.image.TunedLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {
  @TempDir Path dir;

  private static ModelSpec spec() {
    return new ModelSpec(
        "",
        16,
        96,
        "image tower",
        "text tower",
        0.05,
        JsonNodeFactory.instance.objectNode().put("note", "test"),
        "block_13_expand",
        null);
  }

  @Test
  void shouldGiveIdenticalVectorsWhenSavedAndLoaded() throws IOException {
    ProjectionHeads heads = ProjectionHeads.random(40, 24, 16, 7);
    INDArray images = Nd4j.rand(DataType.FLOAT, 5, 40);
    INDArray texts = Nd4j.rand(DataType.FLOAT, 5, 24);

    String id = ModelFile.save(dir.resolve("m.cmm"), spec(), heads);
    ModelFile.LoadedModel loaded = ModelFile.load(dir.resolve("m.cmm"));

    assertEquals(id, loaded.spec().modelId());
    assertEquals(96, loaded.spec().imageSize());
    assertArrayEquals(
        heads.projectImages(images).toFloatMatrix(),
        loaded.heads().projectImages(images).toFloatMatrix());
    assertArrayEquals(
        heads.projectTexts(texts).toFloatMatrix(),
        loaded.heads().projectTexts(texts).toFloatMatrix());
  }

  @Test
  void shouldDeriveTheIdFromContentWhenSaving() throws IOException {
    String a = ModelFile.save(dir.resolve("a.cmm"), spec(), ProjectionHeads.random(40, 24, 16, 7));
    String b = ModelFile.save(dir.resolve("b.cmm"), spec(), ProjectionHeads.random(40, 24, 16, 7));
    String c = ModelFile.save(dir.resolve("c.cmm"), spec(), ProjectionHeads.random(40, 24, 16, 8));

    assertTrue(a.matches("cm-[0-9a-f]{16}"), a);
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void shouldRefuseWhenFileIsNotAModel() throws IOException {
    Files.writeString(dir.resolve("x.cmm"), "not a model");
    IOException e = assertThrows(IOException.class, () -> ModelFile.load(dir.resolve("x.cmm")));
    assertTrue(e.getMessage().contains("not a crossmodal model file"));
  }

  @Test
  void shouldProduceUnitLengthVectorsWhenProjecting() {
    ProjectionHeads heads = ProjectionHeads.random(40, 24, 16, 3);
    INDArray z = heads.projectImages(Nd4j.rand(DataType.FLOAT, 7, 40).muli(100));
    INDArray norms = z.norm2(1);
    for (int i = 0; i < 7; i++) {
      assertEquals(1.0, norms.getDouble(i), 1e-5);
    }
    INDArray t = heads.projectTexts(Nd4j.rand(DataType.FLOAT, 3, 24));
    assertEquals(1.0, t.norm2(1).getDouble(2), 1e-5);
  }

  @Test
  void shouldProjectOneTextInJavaLikeTheNd4jHead() {
    ProjectionHeads heads = ProjectionHeads.random(40, 24, 16, 5);
    INDArray texts = Nd4j.rand(DataType.FLOAT, 4, 24).muli(3);
    float[][] batch = heads.projectTexts(texts).toFloatMatrix();
    for (int i = 0; i < 4; i++) {
      float[] one = heads.projectText(texts.getRow(i).toFloatVector());
      for (int d = 0; d < 16; d++) {
        assertEquals(batch[i][d], one[d], 1e-5, "text " + i + " dim " + d);
      }
    }
  }

  @Test
  void shouldProjectOneImageInJavaLikeTheNd4jHead() {
    Nd4j.getRandom().setSeed(9);
    // A non-trivial mean and spread, so that the standardisation is exercised too.
    ProjectionHeads heads =
        new ProjectionHeads(
            Nd4j.rand(DataType.FLOAT, 40).muli(2),
            Nd4j.rand(DataType.FLOAT, 40).addi(0.5),
            Nd4j.randn(DataType.FLOAT, 40, 16),
            Nd4j.randn(DataType.FLOAT, 16),
            Nd4j.randn(DataType.FLOAT, 24, 16),
            Nd4j.zeros(DataType.FLOAT, 16));
    INDArray images = Nd4j.rand(DataType.FLOAT, 4, 40).muli(3);
    float[][] batch = heads.projectImages(images).toFloatMatrix();
    for (int i = 0; i < 4; i++) {
      float[] one = heads.projectImage(images.getRow(i).toFloatVector());
      for (int d = 0; d < 16; d++) {
        assertEquals(batch[i][d], one[d], 1e-5, "image " + i + " dim " + d);
      }
    }
  }

  @Test
  void shouldKeepTheTunedTowerLayerWhenSavedAndLoaded() throws IOException {
    ProjectionHeads heads = ProjectionHeads.random(40, 24, 16, 4);
    float[] kernel = new float[3 * 5];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = i * 0.5f - 3;
    }
    TunedLayer tuned = new TunedLayer("block_13_expand", 3, 5, kernel, new float[] {1, 2, 3, 4, 5});
    ModelSpec spec =
        new ModelSpec(
            "",
            16,
            96,
            "image tower",
            "text tower",
            0.05,
            JsonNodeFactory.instance.objectNode(),
            "block_13_expand",
            "block_13_expand");
    Path file = dir.resolve("tuned.cmm");

    String id = ModelFile.save(file, spec, heads, tuned);
    ModelFile.LoadedModel loaded = ModelFile.load(file);

    assertEquals("block_13_expand", loaded.tuned().layer());
    assertArrayEquals(kernel, loaded.tuned().kernel());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5}, loaded.tuned().bias());
    assertEquals(id, loaded.spec().modelId());
    assertNotEquals(
        ModelFile.save(dir.resolve("untuned.cmm"), spec(), heads),
        id,
        "the tuned weights are part of the id");
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelFile.save(dir.resolve("x.cmm"), spec, heads),
        "weights the spec promises");
  }
}
