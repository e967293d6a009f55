package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.mapping.LocalRateLimit;
import io.dragoman.gateway.mapping.LocalRateLimit.Key;
import org.junit.jupiter.api.Test;

class LocalRateLimitTest {

  @Test
  void negativeRateIsRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> new LocalRateLimit(-1, 1, Key.ROUTE, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("local_rate_limit.requests_per_second: -1 (expected: > 0)");
  }

  @Test
  void zeroAndNaNRatesAreRefused() {
    assertThatThrownBy(() -> new LocalRateLimit(0, 1, Key.ROUTE, "")).hasMessage("local_rate_limit.requests_per_second: 0 (expected: > 0)");
    assertThatThrownBy(() -> new LocalRateLimit(Double.NaN, 1, Key.ROUTE, ""))
        .hasMessage("local_rate_limit.requests_per_second: NaN (expected: > 0)");
    assertThatThrownBy(() -> new LocalRateLimit(Double.POSITIVE_INFINITY, 1, Key.ROUTE, ""))
        .hasMessage("local_rate_limit.requests_per_second: Infinity (expected: > 0)");
  }

  @Test
  void fractionalRatesAreShownAsWritten() {
    assertThatThrownBy(() -> new LocalRateLimit(-0.5, 1, Key.ROUTE, ""))
        .hasMessage("local_rate_limit.requests_per_second: -0.5 (expected: > 0)");
    assertThat(new LocalRateLimit(0.5, 1, Key.ROUTE, "").requestsPerSecond()).isEqualTo(0.5);
  }

  @Test
  void burstMustBeAtLeastOne() {
    assertThatThrownBy(() -> new LocalRateLimit(1, 0, Key.ROUTE, ""))
        .hasMessage("local_rate_limit.burst: 0 (expected: >= 1)");
  }

  @Test
  void headerKeyNeedsAHeaderName() {
    assertThatThrownBy(() -> new LocalRateLimit(1, 1, Key.HEADER, " "))
        .hasMessage("local_rate_limit.header: \" \" (expected: a header name)");
  }

  @Test
  void keyOfPicksTheRequestsKey() {
    assertThat(new LocalRateLimit(1, 1, Key.CLIENT_ADDRESS, "").keyOf("10.1.2.3", "t1")).isEqualTo("10.1.2.3");
    assertThat(new LocalRateLimit(1, 1, Key.HEADER, "X-Tenant").keyOf("10.1.2.3", "t1")).isEqualTo("t1");
    assertThat(new LocalRateLimit(1, 1, Key.ROUTE, "").keyOf("10.1.2.3", "t1")).isEqualTo("");
  }

  @Test
  void requestsWithoutTheHeaderShareOneBucket() {
    LocalRateLimit l = new LocalRateLimit(1, 1, Key.HEADER, "X-Tenant");
    assertThat(l.keyOf("10.0.0.1", null)).isEqualTo(l.keyOf("10.0.0.2", null)).isEqualTo("");
  }
}
