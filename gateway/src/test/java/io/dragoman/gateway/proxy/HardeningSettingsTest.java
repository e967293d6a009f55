package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Limits are validated where they are built, with a message naming the field and what was expected. */
class HardeningSettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ProxySettings s = ProxySettings.defaults(8080);

    assertThat(s.maxHeaderBytes()).isEqualTo(60 * 1024);
    assertThat(s.maxHeaders()).isEqualTo(100);
    assertThat(s.requestHeadTimeoutMs()).isEqualTo(10_000);
    assertThat(s.idleConnectionTimeoutMs()).isEqualTo(3_600_000);
    assertThat(s.maxRequestBodyBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(s.limits()).isEqualTo(new ListenerLimits(8192, 300_000, 100, 200, 30_000, 1000, 200));
  }

  @Test
  void nonsenseLimitsAreRefusedWithTheFieldName() {
    ProxySettings s = ProxySettings.defaults(8080);

    assertThatThrownBy(() -> s.withHeadLimits(0, 100, 10_000))
        .hasMessage("maxHeaderBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> s.withHeadLimits(1024, 100, 3_000_000_000L))
        .hasMessage("requestHeadTimeoutMs: 3000000000 (expected: 1-2147483647)");
    assertThatThrownBy(() -> s.withMaxRequestBodyBytes(-1))
        .hasMessage("maxRequestBodyBytes: -1 (expected: > 0)");
    assertThatThrownBy(() -> ListenerLimits.DEFAULTS.withMaxUriBytes(0))
        .hasMessage("maxUriBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> ListenerLimits.DEFAULTS.withIdleStreamTimeoutMs(1L << 40))
        .hasMessage("idleStreamTimeoutMs: 1099511627776 (expected: 1-2147483647)");
  }

  /** Undertow has one idle timer per connection, also running between requests: it takes the larger idle limit. */
  @Test
  void undertowsIdleTimeoutIsTheLargerIdleLimit() {
    ProxySettings s = ProxySettings.defaults(8080).withIdleConnectionTimeoutMs(1_000);

    assertThat(ListenerOptions.effectiveIdleTimeoutMs(s)).isEqualTo(300_000);
    assertThat(ListenerOptions.effectiveIdleTimeoutMs(ProxySettings.defaults(8080))).isEqualTo(3_600_000);
  }
}
