package io.crossmodal.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionFormatsTest {
  @TempDir Path dir;

  @Test
  void shouldGroupCaptionsByImageWhenReadingFlickr8k() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("Flickr8k.token.txt"),
            "1000_a.jpg#0\tA child in pink .\n1000_a.jpg#1\tA girl climbs .\n2000_b.jpg#0\tA dog runs .\n");
    List<Item> items = CaptionFormats.read(f, dir.resolve("img"));
    assertEquals(2, items.size());
    assertEquals(List.of("A child in pink .", "A girl climbs ."), items.get(0).captions());
    assertEquals(dir.resolve("img/1000_a.jpg").toString(), items.get(0).image());
    assertEquals("1000_a", items.get(0).id());
  }

  @Test
  void shouldSkipTheHeaderWhenReadingFlickr30kCsv() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("results.csv"),
            "image_name| comment_number| comment\n1.jpg| 0| Two men talk .\n1.jpg| 1| Men, talking .\n");
    List<Item> items = CaptionFormats.read(f, dir);
    assertEquals(1, items.size());
    assertEquals(List.of("Two men talk .", "Men, talking ."), items.get(0).captions());
  }

  @Test
  void shouldJoinImagesAndAnnotationsWhenReadingCocoJson() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("captions_val2017.json"),
            "{\"images\":[{\"id\":7,\"file_name\":\"007.jpg\"}],\"annotations\":[{\"image_id\":7,\"caption\":\"A cat.\"},"
                + "{\"image_id\":7,\"caption\":\"A sleeping cat.\"},{\"image_id\":9,\"caption\":\"orphan\"}]}");
    List<Item> items = CaptionFormats.read(f, dir);
    assertEquals(1, items.size());
    assertEquals("7", items.get(0).id());
    assertEquals(2, items.get(0).captions().size());
  }

  @Test
  void shouldRoundTripTheProjectManifestWhenWrittenAndRead() throws Exception {
    Path manifest = dir.resolve("m/manifest.jsonl");
    Manifest.write(
        manifest,
        List.of(
            new Item("x1", "../img/1.png", List.of("a star"), "test", "PD", "train", "shapes")));
    List<Item> items = CaptionFormats.read(manifest, dir);
    assertEquals(
        dir.resolve("img/1.png").toAbsolutePath().normalize(),
        Path.of(items.get(0).image()).normalize());
    assertEquals("shapes", items.get(0).category());
  }

  @Test
  void shouldReadTitleKeywordsAndDescriptionWhenParsingOpenClipartSvg() {
    String svg =
        "<svg><metadata><rdf:RDF><cc:Work><dc:title>Red &amp; Blue Star</dc:title>"
            + "<dc:description>A star with two colours</dc:description><dc:subject><rdf:Bag><rdf:li>star</rdf:li>"
            + "<rdf:li>unsorted</rdf:li><rdf:li>Shape</rdf:li></rdf:Bag></dc:subject>"
            + "<dc:publisher><cc:Agent><dc:title>Open Clip Art Library</dc:title></cc:Agent></dc:publisher></cc:Work></rdf:RDF></metadata></svg>";
    assertEquals(
        List.of("Red & Blue Star", "Red & Blue Star: star, shape", "A star with two colours"),
        OpenClipartSource.captions(svg, Path.of("x/red_star_01.png")));
  }

  @Test
  void shouldAssignTheSameSplitWhenTheSameIdIsSeenAgain() {
    int test = 0;
    for (int i = 0; i < 2000; i++) {
      String s = Splits.of("item-" + i);
      assertEquals(s, Splits.of("item-" + i));
      test += s.equals("test") ? 1 : 0;
    }
    assertEquals(Splits.TEST_PERCENT / 100.0, test / 2000.0, 0.03);
  }
}
