package io.crossmodal.encoder.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console and JSON log configurations the services ship: a transactional producer's retried
 * errors stay out of the log (a first start printed CONCURRENT_TRANSACTIONS warnings while an
 * earlier transaction's markers landed), while the client's other warnings and the services' own
 * INFO lines stay in.
 */
class LoggingConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"logback.xml", "logback-json.xml"})
  void retriedProducerErrorsAreNotLoggedButOtherClientWarningsAre(String resource)
      throws Exception {
    URL url = getClass().getClassLoader().getResource(resource);
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(url);

    assertFalse(
        context.getLogger("org.apache.kafka.clients.producer.internals.Sender").isWarnEnabled());
    assertTrue(
        context.getLogger("org.apache.kafka.clients.producer.internals.Sender").isErrorEnabled());
    assertTrue(context.getLogger("org.apache.kafka.clients.NetworkClient").isWarnEnabled());
    assertFalse(context.getLogger("org.apache.kafka.clients.NetworkClient").isInfoEnabled());
    assertFalse(context.getLogger("state.change.logger").isInfoEnabled());
    assertTrue(context.getLogger("io.crossmodal.encoder.app.EncoderService").isInfoEnabled());
    assertEquals(
        0,
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(s -> s.getLevel() >= Status.WARN)
            .count(),
        "the configuration loads without errors");
  }
}
