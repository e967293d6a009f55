package io.dragoman.gateway.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graceful shutdown for the public listener, whichever server took the request: counts the requests in flight and,
 * once shut down, answers new ones 503 (as Undertow's {@code GracefulShutdownHandler} did) while those in flight
 * finish.
 */
final class Drain {
  private static final long SHUT = 1L << 62;
  /** Requests in flight, with {@link #SHUT} set once shut down: one atomic step admits or refuses. */
  private final AtomicLong state = new AtomicLong();
  private final Object lock = new Object();

  /** False (with the exchange answered 503) once shut down; otherwise counts the request until it completes. */
  boolean admit(DownstreamExchange exchange) {
    long s = state.updateAndGet(v -> (v & SHUT) != 0 ? v : v + 1);
    if ((s & SHUT) != 0) {
      exchange.setStatusCode(503);
      exchange.end();
      return false;
    }
    exchange.onComplete(this::left);
    return true;
  }

  private void left() {
    long s = state.decrementAndGet();
    if (s == SHUT) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  void shutdown() {
    state.updateAndGet(v -> v | SHUT);
  }

  /** Waits up to {@code ms} for the requests in flight; true if none is left. */
  boolean await(long ms) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    synchronized (lock) {
      while (state.get() != SHUT) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) return false;
        lock.wait(left);
      }
    }
    return true;
  }
}
