package io.crossmodal.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IconSetSourceTest {
  @TempDir Path dir;

  @Test
  void rasterisesEachConceptOnceAndCaptionsItWithItsName() throws Exception {
    Path pkg = Files.createDirectories(dir.resolve("package"));
    Files.writeString(pkg.resolve("package.json"), "{\"license\":\"MIT\"}");
    String red = "<rect x='4' y='4' width='40' height='40' fill='#ff0000'/>";
    Files.writeString(
        pkg.resolve("icons.json"),
        """
        {"prefix":"t","width":48,"height":48,"icons":{
          "alarm-clock":{"body":"%s"},
          "alarm-clock-24":{"body":"%s"},
          "waving-hand-light-skin-tone":{"body":"%s"},
          "secret":{"body":"%s","hidden":true},
          "broken":{"body":"<path d='M0 0' fill="}}}
        """
            .formatted(red, red, red, red)
            .replace("'", "\\\""));
    List<Item> items =
        IconSetSource.read(new IconSetSource.IconSet("test", "1.0.0"), pkg, dir.resolve("png"));
    assertEquals(
        1, items.size(), "size variant, skin tone, hidden and unreadable icons are skipped");
    Item clock = items.get(0);
    assertEquals(List.of("alarm clock"), clock.captions());
    assertEquals("icons", clock.source());
    assertTrue(clock.licence().startsWith("MIT"), clock.licence());
    BufferedImage png = ImageIO.read(Path.of(clock.image()).toFile());
    assertEquals(IconSetSource.EDGE, png.getWidth());
    assertEquals(
        0xffff0000,
        png.getRGB(IconSetSource.EDGE / 2, IconSetSource.EDGE / 2),
        "the body is drawn, scaled to the square");
    assertEquals(0, png.getRGB(1, 1) >>> 24, "outside the body stays transparent");
  }

  @Test
  void aConceptNamedByAHeldOutItemJoinsItsSplitInsteadOfTraining() {
    Item test =
        new Item("a", "a.png", List.of("Dog face", "dog face: dog, pet"), "emoji", "", "test", "");
    Item val = new Item("b", "b.png", List.of("Bus"), "openclipart", "", "val", "");
    Item train = new Item("c", "c.png", List.of("cat: kitten"), "openclipart", "", "train", "");
    Map<String, String> heldOut = DatasetBuilder.heldOutConcepts(List.of(test, val, train));
    assertEquals(DatasetBuilder.ICONS_TEST, DatasetBuilder.iconSplit("dog", heldOut));
    assertEquals(DatasetBuilder.ICONS_TEST, DatasetBuilder.iconSplit("dog face", heldOut));
    assertEquals(DatasetBuilder.ICONS_VAL, DatasetBuilder.iconSplit("bus", heldOut));
    String kitten = Splits.of("title:kitten");
    assertEquals(
        kitten.equals("train")
            ? "train"
            : kitten.equals("val") ? DatasetBuilder.ICONS_VAL : DatasetBuilder.ICONS_TEST,
        DatasetBuilder.iconSplit("kitten", heldOut),
        "a concept only trained on keeps its own title's split");
  }

  @Test
  void parsesASetNamedWithItsVersionAndRefusesOneWithout() {
    assertEquals(
        new IconSetSource.IconSet("fluent-emoji-flat", "1.2.6"),
        IconSetSource.IconSet.parse("fluent-emoji-flat@1.2.6"));
    assertEquals(
        "@iconify-json/twemoji", IconSetSource.IconSet.parse("twemoji@1.2.5").packageName());
    for (String bad : List.of("twemoji", "twemoji@", "@1.2.5")) {
      Assertions.assertThrows(
          IllegalArgumentException.class, () -> IconSetSource.IconSet.parse(bad), bad);
    }
  }
}
