package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.mapping.RetryPolicy;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryDeciderTest {

  private static RetryDecider on(String retryOn) {
    return new RetryDecider(new RetryPolicy(retryOn, 2, OptionalLong.empty()));
  }

  private static int[] retriedStatuses(RetryDecider d) {
    return IntStream.rangeClosed(100, 599).filter(d::retryOnStatus).toArray();
  }

  @Test
  void fiveXxRetriesEvery5xxAndEveryFailureWithoutAnswer() {
    RetryDecider d = on("5xx");
    assertThat(retriedStatuses(d)).isEqualTo(IntStream.rangeClosed(500, 599).toArray());
    assertThat(d.retryOnConnectFailure()).isTrue();
    assertThat(d.retryOnReset()).isTrue();
    assertThat(d.retryOnRefusedStream()).isTrue();
    assertThat(d.retryOnPerTryTimeout()).isTrue();
  }

  @Test
  void gatewayErrorRetriesOnly502To504AndFailuresWithoutAnswer() {
    RetryDecider d = on("gateway-error");
    assertThat(retriedStatuses(d)).containsExactly(502, 503, 504);
    assertThat(d.retryOnConnectFailure()).isTrue();
    assertThat(d.retryOnReset()).isTrue();
    assertThat(d.retryOnRefusedStream()).isTrue();
    assertThat(d.retryOnPerTryTimeout()).isTrue();
  }

  @Test
  void connectFailureRetriesOnlyFailedConnects() {
    RetryDecider d = on("connect-failure");
    assertThat(retriedStatuses(d)).isEmpty();
    assertThat(d.retryOnConnectFailure()).isTrue();
    assertThat(d.retryOnReset()).isFalse();
    assertThat(d.retryOnRefusedStream()).isFalse();
    assertThat(d.retryOnPerTryTimeout()).isFalse();
  }

  @Test
  void retriable4xxRetriesOnly409() {
    RetryDecider d = on("retriable-4xx");
    assertThat(retriedStatuses(d)).containsExactly(409);
    assertThat(d.retryOnConnectFailure()).isFalse();
    assertThat(d.retryOnReset()).isFalse();
  }

  @Test
  void refusedStreamRetriesOnlyRefusedStreams() {
    RetryDecider d = on("refused-stream");
    assertThat(retriedStatuses(d)).isEmpty();
    assertThat(d.retryOnRefusedStream()).isTrue();
    assertThat(d.retryOnConnectFailure()).isFalse();
    assertThat(d.retryOnReset()).isFalse();
  }

  @Test
  void resetRetriesEveryFailureWithoutAnswerButNoStatus() {
    RetryDecider d = on("reset");
    assertThat(retriedStatuses(d)).isEmpty();
    assertThat(d.retryOnConnectFailure()).isTrue();
    assertThat(d.retryOnReset()).isTrue();
    assertThat(d.retryOnRefusedStream()).isTrue();
    assertThat(d.retryOnPerTryTimeout()).isTrue();
  }

  @Test
  void conditionsCombine() {
    RetryDecider d = on("connect-failure, retriable-4xx");
    assertThat(retriedStatuses(d)).containsExactly(409);
    assertThat(d.retryOnConnectFailure()).isTrue();
    assertThat(d.retryOnReset()).isFalse();
  }

  @Test
  void anUnknownConditionIsRefused() {
    assertThatThrownBy(() -> on("5xx,teapot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry_on: \"teapot\" (expected: 5xx, gateway-error, connect-failure, retriable-4xx,"
            + " refused-stream or reset)");
  }

  @Test
  void maxRetriesIsNumRetries() {
    assertThat(new RetryDecider(new RetryPolicy("5xx", 3, OptionalLong.empty())).maxRetries()).isEqualTo(3);
    assertThat(new RetryDecider(new RetryPolicy("5xx", 0, OptionalLong.empty())).maxRetries()).isZero();
  }

  @Test
  void perTryTimeoutDefaultsToTheRouteTimeout() {
    RetryDecider d = on("5xx");
    assertThat(d.perTryTimeoutMs(3000)).isEqualTo(3000);
    assertThat(d.perTryTimeoutMs(0)).isZero();
  }

  @Test
  void perTryTimeoutIsNeverLongerThanTheRouteTimeout() {
    RetryDecider d = new RetryDecider(new RetryPolicy("5xx", 2, OptionalLong.of(500)));
    assertThat(d.perTryTimeoutMs(3000)).isEqualTo(500);
    assertThat(d.perTryTimeoutMs(200)).isEqualTo(200);
    assertThat(d.perTryTimeoutMs(0)).isEqualTo(500);
  }

  @Test
  void aZeroPerTryTimeoutMeansTheRouteTimeout() {
    RetryDecider d = new RetryDecider(new RetryPolicy("5xx", 2, OptionalLong.of(0)));
    assertThat(d.perTryTimeoutMs(3000)).isEqualTo(3000);
  }
}
