package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"0s, 0", "1ms, 1", "250ms, 250", "1.5s, 1500", "1h, 3600000", "1h1m1s1ms, 3661001", "0.5ms, 1"})
  void readsGoDurations(String text, long ms) {
    assertThat(Durations.millis(text)).hasValue(ms);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "1d", "-1s", "1.s", "s", "1 s", "1sms",
      "1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s"})
  void refusesAnythingElse(String text) {
    assertThat(Durations.millis(text)).isEmpty();
  }
}
