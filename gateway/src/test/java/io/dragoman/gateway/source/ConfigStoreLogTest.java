package io.dragoman.gateway.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dragoman.gateway.mapping.SourceObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Under churn the "generation live" line is INFO only when routes, errors or sources changed. */
class ConfigStoreLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(ConfigStore.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final ConfigStore store =
      new ConfigStore(new LineParser(), new RecordingBuilder(), Clock.systemUTC(), Duration.ofMillis(5));
  private Level levelBefore;

  @BeforeEach
  void capture() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void release() {
    store.close();
    logger.detachAppender(events);
    logger.setLevel(levelBefore);
  }

  /** Puts one source, waits until it is live, and returns the level its generation line was logged at. */
  private Level levelOfGenerationAfter(String key, String text) {
    events.list.clear();
    store.put(new SourceObject(key, "default", Map.of(), text));
    long generation = store.flush().orTimeout(5, TimeUnit.SECONDS).join().generation();
    List<ILoggingEvent> lines = events.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith("configuration generation " + generation + " live"))
        .toList();
    assertThat(lines).as("the line of generation %d", generation).hasSize(1);
    return lines.get(0).getLevel();
  }

  @Test
  void firstGenerationIsInfo() {
    assertThat(levelOfGenerationAfter("a.yaml", "one")).isEqualTo(Level.INFO);
    assertThat(events.list.get(0).getFormattedMessage()).endsWith(": 1 routes, 0 errors, 1 sources");
  }

  @Test
  void aChangeThatKeepsRoutesErrorsAndSourcesIsDebug() {
    levelOfGenerationAfter("a.yaml", "one");

    assertThat(levelOfGenerationAfter("a.yaml", "two")).isEqualTo(Level.DEBUG);
    assertThat(levelOfGenerationAfter("a.yaml", "three")).isEqualTo(Level.DEBUG);
  }

  @Test
  void aChangeInRoutesErrorsOrSourcesIsInfo() {
    levelOfGenerationAfter("a.yaml", "one");

    assertThat(levelOfGenerationAfter("a.yaml", "one\ntwo")).as("a route more").isEqualTo(Level.INFO);
    assertThat(levelOfGenerationAfter("a.yaml", "one\n!two")).as("an error instead").isEqualTo(Level.INFO);
    assertThat(levelOfGenerationAfter("b.yaml", "")).as("a source more").isEqualTo(Level.INFO);
    assertThat(levelOfGenerationAfter("b.yaml", "\n")).as("the same counts").isEqualTo(Level.DEBUG);
  }
}
