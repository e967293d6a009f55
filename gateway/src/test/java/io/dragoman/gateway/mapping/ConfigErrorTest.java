package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigErrorTest {
  @Test
  void describeDoesNotRepeatAFieldTheMessageAlreadyNames() {
    ConfigError parsed = ParserFixtures.onlyError("timeout_ms: 3s\n");
    assertThat(parsed.describe()).isEqualTo("src.default m: timeout_ms: \"3s\" (expected: integer milliseconds)");
  }

  @Test
  void describeAddsTheFieldWhenTheMessageLacksIt() {
    assertThat(new ConfigError("s", "o", "weight", "over 100").describe()).isEqualTo("s o: weight: over 100");
    assertThat(new ConfigError("s", "o", "", "unreadable").describe()).isEqualTo("s o: unreadable");
  }
}
