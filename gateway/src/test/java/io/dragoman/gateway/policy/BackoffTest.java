package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  @Test
  void ceilingsGrowAsTwoToTheNMinusOneTimesTheBaseUpToTheCap() {
    Backoff b = new Backoff(() -> 0.0);
    assertThat(b.ceilingMs(1)).isEqualTo(25);
    assertThat(b.ceilingMs(2)).isEqualTo(75);
    assertThat(b.ceilingMs(3)).isEqualTo(175);
    assertThat(b.ceilingMs(4)).isEqualTo(250);
    assertThat(b.ceilingMs(10)).isEqualTo(250);
    assertThat(b.ceilingMs(62)).isEqualTo(250);
    assertThat(b.ceilingMs(Integer.MAX_VALUE)).isEqualTo(250);
  }

  @Test
  void delayIsTheRandomFractionOfTheCeiling() {
    assertThat(new Backoff(() -> 0.0).delayMs(3)).isZero();
    assertThat(new Backoff(() -> 0.5).delayMs(3)).isEqualTo(87);
    assertThat(new Backoff(() -> 0.5).delayMs(1)).isEqualTo(12);
  }

  @Test
  void delayStaysBelowTheCeiling() {
    assertThat(new Backoff(() -> ALMOST_ONE).delayMs(1)).isEqualTo(24);
    assertThat(new Backoff(() -> ALMOST_ONE).delayMs(20)).isEqualTo(249);
  }

  @Test
  void delaysFromASeededRandomStayInRange() {
    Random random = new Random(42);
    Backoff b = new Backoff(random::nextDouble);
    for (int retry = 1; retry <= 8; retry++) {
      for (int i = 0; i < 1000; i++) {
        assertThat(b.delayMs(retry)).isBetween(0L, b.ceilingMs(retry) - 1);
      }
    }
  }

  @Test
  void customBaseAndCap() {
    Backoff b = new Backoff(100, 1000, () -> 0.0);
    assertThat(b.ceilingMs(1)).isEqualTo(100);
    assertThat(b.ceilingMs(3)).isEqualTo(700);
    assertThat(b.ceilingMs(4)).isEqualTo(1000);
  }

  @Test
  void retryNumbersStartAtOne() {
    assertThatThrownBy(() -> new Backoff(() -> 0.0).delayMs(0)).hasMessage("retry: 0 (expected: >= 1)");
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThatThrownBy(() -> new Backoff(0, 10, () -> 0.0)).hasMessage("backoff.base_ms: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Backoff(50, 10, () -> 0.0)).hasMessage("backoff.max_ms: 10 (expected: >= base 50)");
  }

  @Test
  void aRandomOutsideTheUnitIntervalIsABug() {
    assertThatThrownBy(() -> new Backoff(() -> 1.0).delayMs(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new Backoff(() -> -0.1).delayMs(1)).isInstanceOf(IllegalStateException.class);
  }
}
