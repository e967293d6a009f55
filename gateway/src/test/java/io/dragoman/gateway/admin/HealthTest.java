package io.dragoman.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {
  private final Health health = new Health();

  @Test
  void notReadyUntilMarkedReady() {
    assertThat(health.ready()).isFalse();
    health.markReady();
    assertThat(health.ready()).isTrue();
    health.markNotReady();
    assertThat(health.ready()).isFalse();
  }

  @Test
  void drainingIsFinal() {
    health.markReady();
    health.markDraining();
    assertThat(health.ready()).isFalse();
    assertThat(health.draining()).isTrue();

    health.markReady();
    health.markNotReady();
    health.markReady();
    assertThat(health.ready()).isFalse();
    assertThat(health.draining()).isTrue();
  }

  @Test
  void aliveWithoutChecks() {
    assertThat(health.alive()).isTrue();
    assertThat(health.failingChecks()).isEmpty();
  }

  @Test
  void failingChecksAreReportedSortedByName() {
    AtomicBoolean loop = new AtomicBoolean(true);
    health.addLivenessCheck("event-loop", loop::get);
    health.addLivenessCheck("builder", () -> false);
    health.addLivenessCheck("informer", () -> true);

    assertThat(health.alive()).isFalse();
    assertThat(health.failingChecks()).containsExactly("builder");

    loop.set(false);
    assertThat(health.failingChecks()).containsExactly("builder", "event-loop");
  }

  @Test
  void aCheckThatThrowsIsFailing() {
    health.addLivenessCheck("broken", () -> {
      throw new IllegalStateException("boom");
    });

    assertThat(health.alive()).isFalse();
    assertThat(health.failingChecks()).containsExactly("broken");
  }

  @Test
  void aCheckNameIsRegisteredOnce() {
    health.addLivenessCheck("x", () -> true);

    assertThatThrownBy(() -> health.addLivenessCheck("x", () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("liveness check: \"x\" (expected: a name not yet registered)");
    assertThat(health.alive()).isTrue();
  }
}
