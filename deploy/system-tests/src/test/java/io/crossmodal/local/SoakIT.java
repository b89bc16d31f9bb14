package io.crossmodal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.crossmodal.common.topic.Topics;
import io.crossmodal.model.data.Manifest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the crash test ({@code ./crossmodal soak} runs the long one): 300 items streamed
 * while the encoder and search child JVMs are each SIGKILLed twice and the broker restarts once,
 * with malformed records on every topic the services read sent before and between the kills.
 */
class SoakIT {
  @TempDir Path dir;

  @Test
  void shouldLoseAndDuplicateNothingWhenServicesAreKilledAndTheBrokerRestarts() throws Exception {
    JsonNode r =
        new Soak(
                dir,
                300,
                Manifest.read(Path.of("../../cli/sample/manifest.jsonl")).subList(0, 20),
                3)
            .run(true);
    System.out.println("soak: " + r);
    // Counted as they happened: a kill of a healthy service by SIGKILL, a broker whose port really
    // closed.
    assertEquals(4, r.get("kills").asInt(), "kills that really killed a serving process: " + r);
    assertEquals(
        1,
        r.get("broker_restarts").asInt(),
        "broker restarts with the port closed in between: " + r);
    assertEquals(0, r.get("lost").asInt(), "lost: " + r);
    assertEquals(0, r.get("duplicated").asInt(), "duplicated: " + r);
    assertEquals(0, r.get("results_missing").asInt(), "queries without a result: " + r);
    assertEquals(0, r.get("results_duplicated").asInt(), "queries with two results: " + r);
    assertEquals(
        r.get("bad_cases").asInt(),
        r.get("bad_cases_caught").asInt(),
        "bad records dead-lettered: " + r);
    assertEquals(
        0,
        r.get("malformed_wrong").size(),
        "malformed records on the right DLQ with their reason: " + r);
    assertEquals(
        2 * MalformedRecords.all(Topics.defaults(), "m", 2, 0).size(),
        r.get("malformed_cases").asInt());
    assertEquals(r.get("live").asInt(), r.get("indexed").asInt());
  }
}
