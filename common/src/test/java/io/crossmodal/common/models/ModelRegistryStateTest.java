package io.crossmodal.common.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossmodal.common.serde.Json;
import io.crossmodal.common.topic.TopicNames;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the control topic's records mean (pure: the follower applies them in offset order). */
class ModelRegistryStateTest {
  private static String entry(String id) {
    return Json.write(new ModelEntry(id, 4, "test", new byte[] {1}, null, 0));
  }

  @Test
  void shouldFollowDeploysSwitchesAndDropsInOrder() {
    ModelRegistry.State s =
        ModelRegistry.State.EMPTY.apply("model/a", entry("a")).apply("model/b", entry("b"));
    assertNull(s.activeId());
    s = s.apply("active", Json.write(new ActiveModel("a", null, 1)));
    assertEquals("a", s.activeEntry().id());
    s = s.apply("active", Json.write(new ActiveModel("b", "a", 2))).apply("model/a", null);
    assertEquals("b", s.activeId());
    assertEquals("a", s.active().previous());
    assertEquals(Set.of("b"), s.models().keySet(), "a tombstone drops the model");
  }

  @Test
  void shouldRefuseRecordsThatAreNoneOfTheDocumentedOnes() {
    ModelRegistry.State s = ModelRegistry.State.EMPTY;
    assertThrows(IllegalArgumentException.class, () -> s.apply("nonsense", "{}"));
    assertThrows(IllegalArgumentException.class, () -> s.apply(null, "{}"));
    assertThrows(
        IllegalArgumentException.class,
        () -> s.apply("model/a", entry("b")),
        "key and entry must name one model");
    assertThrows(IllegalArgumentException.class, () -> s.apply("model/a", "{not json"));
    assertThrows(IllegalArgumentException.class, () -> s.apply("active", "{\"model\":\"\"}"));
  }

  @Test
  void shouldNameEverySpaceTopicAfterItsModelAndShareTheRest() {
    TopicNames base = TopicNames.defaults();
    TopicNames a = ModelSpace.topics(base, "cm-a");
    assertEquals("embeddings.cm-a", a.embeddings());
    assertTrue(
        a.encodedQueries().endsWith(".cm-a")
            && a.shardAnswers().endsWith(".cm-a")
            && a.lexicalStats().endsWith(".cm-a"));
    assertEquals(base.mediaImages(), a.mediaImages());
    assertEquals(base.queries(), a.queries());
    assertEquals(base.results(), a.results());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelEntry("bad/id", 4, "", new byte[] {1}, null, 0),
        "an id names topics");
  }
}
