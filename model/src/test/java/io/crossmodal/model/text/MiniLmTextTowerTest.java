package io.crossmodal.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmTextTowerTest {
  private static MiniLmTextTower tower;

  @BeforeAll
  static void load() {
    tower = MiniLmTextTower.load(2);
  }

  @AfterAll
  static void close() {
    tower.close();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void shouldPlaceParaphrasesCloserThanUnrelatedTextWhenEncoding() {
    float[][] f = tower.features(List.of("a red sports car", "a fast red automobile", "a bowl of fruit soup"));
    assertEquals(MiniLmTextTower.FEATURE_DIM, f[0].length);
    assertTrue(cosine(f[0], f[1]) > cosine(f[0], f[2]) + 0.2, "paraphrase should be much closer than an unrelated text");
  }

  @Test
  void shouldGiveTheSameVectorWhenBatchedWithLongerTexts() {
    float[] alone = tower.features(List.of("a star")).clone()[0];
    float[] padded = tower.features(List.of("a star", "a much longer sentence about many different things entirely"))[0];
    assertTrue(cosine(alone, padded) > 0.99999, "grouping must not change a text's vector, cosine " + cosine(alone, padded));
  }
}
