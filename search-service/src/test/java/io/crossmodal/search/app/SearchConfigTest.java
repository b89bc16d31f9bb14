package io.crossmodal.search.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.crossmodal.common.config.Config;
import io.crossmodal.search.internal.topology.SearchTopology;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchConfigTest {

  @Test
  void readsEachKeyIntoItsOwnField() {
    Config c =
        Config.defaults()
            .with(
                Map.ofEntries(
                    Map.entry("search.port", "9001"),
                    Map.entry("search.advertised.host", "shard-1"),
                    Map.entry("search.scan.threads", "3"),
                    Map.entry("search.peer.timeout.ms", "1234"),
                    Map.entry("search.encoder.url", "http://enc:1"),
                    Map.entry("search.request.timeout.ms", "4321"),
                    Map.entry("search.http.route", "topics"),
                    Map.entry("search.application.id", "app"),
                    Map.entry("search.k.max", "17"),
                    Map.entry("search.merge.timeout.ms", "55"),
                    Map.entry("search.quality.sample.every", "9"),
                    Map.entry("search.index.int8", "false"),
                    Map.entry("search.after.timeout.ms", "66"),
                    Map.entry("topic.max.message.bytes", "2000000"),
                    Map.entry("search.state.dir", "/state"),
                    Map.entry("search.processing.guarantee", "at_least_once"),
                    Map.entry("search.standby.replicas", "2"),
                    Map.entry("search.stream.threads", "4"),
                    Map.entry("search.commit.interval.ms", "77"),
                    Map.entry("search.session.timeout.ms", "8000"),
                    Map.entry("topic.replication.factor", "3")));
    assertEquals(
        new SearchConfig(
            9001,
            "shard-1",
            3,
            Duration.ofMillis(1234),
            "http://enc:1",
            Duration.ofMillis(4321),
            "topics",
            "app",
            17,
            55,
            9,
            false,
            66,
            2_000_000,
            "/state",
            "at_least_once",
            2,
            4,
            77,
            8000,
            3),
        SearchConfig.from(c));
  }

  @Test
  void zeroScanThreadsMeansOnePerCore() {
    SearchConfig s = SearchConfig.from(Config.defaults().with(Map.of("search.scan.threads", "0")));
    assertEquals(Runtime.getRuntime().availableProcessors(), s.scanThreadsOrCores());
    assertEquals(
        5,
        SearchConfig.from(Config.defaults().with(Map.of("search.scan.threads", "5")))
            .scanThreadsOrCores());
  }

  @Test
  void topologySettingsCarryTheModelAndTheQueryLimits() {
    SearchConfig s =
        SearchConfig.from(
            Config.defaults().with(Map.of("search.k.max", "12", "search.index.int8", "false")));
    SearchTopology.Settings t = s.topology("cm-x", 64);
    assertEquals("cm-x", t.modelId());
    assertEquals(64, t.dim());
    assertEquals(12, t.kMax());
    assertFalse(t.int8Prefilter());
    assertEquals(s.mergeTimeoutMillis(), t.mergeTimeoutMillis());
    assertEquals(s.afterTimeoutMillis(), t.afterTimeoutMillis());
    assertEquals(s.qualityEvery(), t.qualityEvery());
  }
}
