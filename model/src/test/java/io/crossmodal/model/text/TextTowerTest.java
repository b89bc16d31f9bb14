package io.crossmodal.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TextTowerTest {
  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @ParameterizedTest
  @EnumSource(TextModel.class)
  void shouldPlaceParaphrasesCloserThanUnrelatedTextWhenEncoding(TextModel model) {
    try (TextTower tower = TextTower.load(model, 2)) {
      float[][] f =
          tower.features(
              List.of("a red sports car", "a fast red automobile", "a bowl of fruit soup"));
      assertEquals(TextTower.FEATURE_DIM, f[0].length);
      // e5's space is more compressed (unrelated texts sit at cosine ≈ 0.7), so the margin is
      // relative to the gap.
      assertTrue(
          cosine(f[0], f[1]) > cosine(f[0], f[2]) + 0.05,
          model + ": paraphrase should be much closer than an unrelated text");
    }
  }

  @ParameterizedTest
  @EnumSource(TextModel.class)
  void shouldGiveTheSameVectorWhenBatchedWithLongerTexts(TextModel model) {
    try (TextTower tower = TextTower.load(model, 2)) {
      float[] alone = tower.features(List.of("a star"))[0];
      float[] padded =
          tower
              .features(
                  List.of("a star", "a much longer sentence about many different things entirely"))[
              0];
      assertTrue(
          cosine(alone, padded) > 0.99999,
          "grouping must not change a text's vector, cosine " + cosine(alone, padded));
    }
  }

  @Test
  void shouldFindTheTowerAModelFileNames() {
    for (TextModel m : TextModel.values()) {
      assertEquals(m, TextModel.ofProvenance(m.provenance()));
      assertEquals(m, TextModel.byKey(m.key()));
    }
  }
}
