package io.crossmodal.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {
  @Test
  void portsComeFromBelowTheEphemeralRangeAndCanBeBound() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      int port = EmbeddedKafkaBroker.freePort();
      assertTrue(
          port >= EmbeddedKafkaBroker.FIXED_PORTS_FROM && port < EmbeddedKafkaBroker.FIXED_PORTS_TO,
          port + " lies where outgoing connections take their source ports");
      try (ServerSocket s = new ServerSocket(port)) {
        assertTrue(s.isBound());
      }
      seen.add(port);
    }
    assertTrue(seen.size() > 1, "random, so that two callers rarely pick the same port");
  }
}
