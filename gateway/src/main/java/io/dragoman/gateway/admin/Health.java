package io.dragoman.gateway.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Liveness and readiness as the admin endpoints report them. Readiness is a small state machine: not ready until the
 * first complete configuration is live, and never ready again once draining has begun (a pod on its way out must
 * stop receiving traffic even if a late reload succeeds).
 */
public final class Health {
  private enum State {
    NOT_READY,
    READY,
    DRAINING
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.NOT_READY);
  /** Sorted by name so failures are reported in a stable order. */
  private final Map<String, BooleanSupplier> checks = new ConcurrentSkipListMap<>();

  public void markReady() {
    state.updateAndGet(s -> s == State.DRAINING ? s : State.READY);
  }

  public void markNotReady() {
    state.updateAndGet(s -> s == State.DRAINING ? s : State.NOT_READY);
  }

  /** Not ready from now on, whatever happens next. */
  public void markDraining() {
    state.set(State.DRAINING);
  }

  public boolean ready() {
    return state.get() == State.READY;
  }

  public boolean draining() {
    return state.get() == State.DRAINING;
  }

  /** Registers a check that decides liveness; a check that throws counts as failing. */
  public void addLivenessCheck(String name, BooleanSupplier ok) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ok, "ok");
    if (checks.putIfAbsent(name, ok) != null) {
      throw new IllegalArgumentException("liveness check: \"" + name + "\" (expected: a name not yet registered)");
    }
  }

  /** True unless a registered liveness check fails. */
  public boolean alive() {
    return failingChecks().isEmpty();
  }

  /** Names of the liveness checks failing now, sorted. */
  public List<String> failingChecks() {
    List<String> failing = new ArrayList<>();
    checks.forEach(
        (name, check) -> {
          if (!passes(check)) failing.add(name);
        });
    return List.copyOf(failing);
  }

  private static boolean passes(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
