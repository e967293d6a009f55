package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Deadlines} on a hand-driven clock and timer: what runs, when, and what the queue holds. */
class DeadlinesTest {
  private long now;
  private final List<Long> armedAt = new ArrayList<>(); // when each XNIO timer would fire
  private final List<Runnable> armed = new ArrayList<>();
  private final Deadlines deadlines = new Deadlines(10, (ms, task) -> {
    armedAt.add(now + TimeUnit.MILLISECONDS.toNanos(ms));
    armed.add(task);
  }, () -> now);
  private final List<String> ran = new ArrayList<>();

  /** Advances the clock to {@code ms} and fires every timer due by then, in order. */
  private void at(long ms) {
    now = TimeUnit.MILLISECONDS.toNanos(ms);
    for (int i = 0; i < armed.size(); i++) {
      if (armed.get(i) != null && armedAt.get(i) <= now) {
        Runnable t = armed.get(i);
        armed.set(i, null);
        t.run();
      }
    }
  }

  @Test
  void eachRunsAtItsTimeNotBeforeAndInOrder() {
    at(0);
    deadlines.start(() -> ran.add("a"));
    at(3);
    deadlines.start(() -> ran.add("b"));
    at(6);
    deadlines.start(() -> ran.add("c"));

    at(9);
    assertThat(ran).isEmpty();
    at(10);
    assertThat(ran).containsExactly("a");
    at(12);
    assertThat(ran).containsExactly("a");
    at(13);
    assertThat(ran).containsExactly("a", "b");
    at(16);
    assertThat(ran).containsExactly("a", "b", "c");
    assertThat(deadlines.held()).isZero();
  }

  @Test
  void aCancelledDeadlineNeverRunsAndLeavesTheQueue() {
    at(0);
    Deadlines.Deadline a = deadlines.start(() -> ran.add("a"));
    Deadlines.Deadline b = deadlines.start(() -> ran.add("b"));
    deadlines.start(() -> ran.add("c"));

    b.cancel();
    assertThat(deadlines.held()).isEqualTo(3); // behind a pending one: dropped later
    a.cancel();
    a.cancel(); // twice is harmless
    assertThat(deadlines.held()).isEqualTo(1);

    at(10);
    assertThat(ran).containsExactly("c");
    assertThat(deadlines.held()).isZero();
  }

  @Test
  void oneTimerServesManyDeadlines() {
    at(0);
    for (int i = 0; i < 1_000; i++) deadlines.start(() -> ran.add("x")).cancel();
    Deadlines.Deadline last = deadlines.start(() -> ran.add("last"));

    assertThat(armed).hasSize(1);
    at(10);
    assertThat(ran).containsExactly("last");
    assertThat(last).isNotNull();
    assertThat(deadlines.held()).isZero();
  }

  @Test
  void cancelledDeadlinesBehindALongOneAreCompacted() {
    at(0);
    deadlines.start(() -> ran.add("slow")); // stays pending
    for (int i = 0; i < 10_000; i++) deadlines.start(() -> ran.add("x")).cancel();

    assertThat(deadlines.held()).isLessThan(200);
    at(10);
    assertThat(ran).containsExactly("slow");
    assertThat(deadlines.held()).isZero();
  }

  @Test
  void aTaskThatStartsAnotherDeadlineKeepsTheQueueArmed() {
    at(0);
    deadlines.start(() -> deadlines.start(() -> ran.add("second")));

    at(10);
    assertThat(ran).isEmpty();
    at(20);
    assertThat(ran).containsExactly("second");
    assertThat(armed).hasSize(2); // one timer at a time
  }
}
