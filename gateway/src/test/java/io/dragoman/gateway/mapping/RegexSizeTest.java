package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegexSizeTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "abc | 3",
        "a{10} | 10",
        "a{2,5} | 5",
        "a{3,} | 4",
        "(ab){3} | 9",
        "[a-z{}]{4} | 4",
        "\\{5} | 3",
        "\\Q{9}\\E | 1",
        "\\p{Greek}{3} | 3",
        "x{y} | 4",
        "((a{1000}){1000}){1000} | 1001001000"
      })
  void estimatesCompiledSize(String re, long expected) {
    assertThat(RegexSize.estimate(re)).isEqualTo(expected);
  }
}
