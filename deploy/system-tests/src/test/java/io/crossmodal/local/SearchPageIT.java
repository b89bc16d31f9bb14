package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.config.Config;
import io.crossmodal.common.serde.Json;
import io.crossmodal.model.data.CaptionText;
import io.crossmodal.model.data.Item;
import io.crossmodal.model.data.Manifest;
import io.crossmodal.model.joint.ServedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search page in a real headless Chromium against the whole local stack: a user types a
 * description and sees result images load; narrows by a tag; uploads an image and sees texts.
 */
class SearchPageIT {
  private static final int ITEMS = 40;
  @TempDir Path dir;

  @Test
  void shouldShowResultImagesWhenAUserTypesAQueryThenNarrowsByTagAndSearchesByImage()
      throws Exception {
    Config config = TestConfigs.freePorts(3);
    List<Item> items = Manifest.read(Path.of("../../cli/sample/manifest.jsonl")).subList(0, ITEMS);
    long animals = items.stream().filter(i -> "animals".equals(i.category())).count();
    try (LocalStack stack =
        LocalStack.start(dir.resolve("data"), 0, config, ServedModel.entry(config, null))) {
      MediaLoader.load(stack.config(), items, false);
      ScrapedMetrics.awaitIndexed(stack.searchPort(), 2 * ITEMS, Duration.ofMinutes(4));
      Files.createDirectories(dir.resolve("profile"));
      try (HeadlessChromium browser = new HeadlessChromium(dir.resolve("profile"))) {
        browser.navigate("http://localhost:" + stack.searchPort() + "/");

        browser.eval("document.getElementById('text').focus()");
        browser.type("a cute animal");
        browser.pressEnter();
        browser.waitFor(imagesLoaded(), Duration.ofSeconds(30));
        JsonNode cards = cards(browser);
        assertTrue(cards.size() >= 10, "result cards: " + cards);
        assertTrue(
            browser
                .eval("document.getElementById('status').textContent")
                .asText()
                .contains("results"));

        browser.eval("document.getElementById('tags').focus()");
        browser.type("animals");
        browser.eval("document.getElementById('text').focus()");
        browser.pressEnter();
        browser.waitFor(
            "document.getElementById('status').textContent.startsWith('"
                + animals
                + " results') && "
                + imagesLoaded(),
            Duration.ofSeconds(30));
        for (JsonNode card : cards(browser)) {
          assertTrue(
              card.path("tags").asText().contains("\"animals\""),
              "a card outside the tag filter: " + card);
        }
        browser.screenshot(Path.of("target/search-page-it.png"));

        // By words: the first item's own title finds it, and its card says which signal did.
        String title = CaptionText.title(items.get(0).captions().get(0));
        browser.eval(
            "document.getElementById('tags').value = ''; document.getElementById('mode').value = 'lexical';"
                + " document.getElementById('text').value = ''; document.getElementById('text').focus()");
        browser.type(title);
        browser.pressEnter();
        browser.waitFor(
            "[...document.querySelectorAll('#grid .hit')].some(c => c.dataset.id === "
                + Json.MAPPER.writeValueAsString(items.get(0).id())
                + ")",
            Duration.ofSeconds(30));
        for (JsonNode card : cards(browser)) {
          assertTrue(
              card.path("text").asText().contains("by lexical"),
              "a words-only card found by another signal: " + card);
        }
        browser.eval("document.getElementById('mode').value = 'hybrid'");

        browser.eval(
            "document.getElementById('tags').value = ''; document.getElementById('target').value = 'text'");
        JsonNode root = browser.call("DOM.getDocument", Map.of());
        int fileInput =
            browser
                .call(
                    "DOM.querySelector",
                    Map.of("nodeId", root.path("root").path("nodeId").asInt(), "selector", "#file"))
                .path("nodeId")
                .asInt();
        Path image =
            Path.of(items.get(0).image())
                .toAbsolutePath()
                .normalize(); // Chromium takes no ".." in a file path
        browser.call(
            "DOM.setFileInputFiles",
            Map.of("nodeId", fileInput, "files", List.of(image.toString())));
        browser.waitFor(
            "document.querySelectorAll('#grid .hit').length > 0 && !document.querySelector('#grid .hit img')",
            Duration.ofSeconds(30));
        JsonNode texts = cards(browser);
        assertTrue(texts.size() >= 10, "image → text cards: " + texts);
        assertEquals(
            0, browser.eval("document.querySelectorAll('#grid img').length").asInt(), "texts only");
      }
    }
  }

  /** At least one result image, and every result image fetched and decoded by the browser. */
  private static String imagesLoaded() {
    return "(() => { const imgs = [...document.querySelectorAll('#grid .hit img')];"
        + " return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); })()";
  }

  private static JsonNode cards(HeadlessChromium browser) throws Exception {
    return browser.eval(
        "[...document.querySelectorAll('#grid .hit')].map(c => ({id: c.dataset.id, tags: c.dataset.tags,"
            + " text: c.textContent}))");
  }
}
