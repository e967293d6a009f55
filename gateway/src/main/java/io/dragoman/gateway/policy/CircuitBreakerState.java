package io.dragoman.gateway.policy;

import io.dragoman.gateway.mapping.CircuitBreaker;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live counters of one upstream's {@code circuit_breakers} limits, as Envoy keeps them per cluster. Each
 * {@code tryStart...} takes a slot only when one is free and returns false otherwise, so the limit is never
 * exceeded even for a moment; the caller then answers 503 with reason {@code UO} (upstream overflow) and must not call
 * the matching {@code end...}. Every successful {@code tryStart...} is paired with exactly one {@code end...}.
 */
public final class CircuitBreakerState {
  /** The status and reason a caller answers with on overflow. */
  public static final int OVERFLOW_STATUS = 503;
  public static final String OVERFLOW_REASON = "UO";

  private final CircuitBreaker limits;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();

  public CircuitBreakerState(CircuitBreaker limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * The counters for a Mapping's {@code circuit_breakers}: the first entry, Envoy's defaults when there is none. The
   * parsed record does not keep {@code priority}; Dragoman has no high-priority traffic, so the first entry (in the
   * usual single-entry list, the default-priority one) is the one that applies.
   */
  public static CircuitBreakerState of(List<CircuitBreaker> breakers) {
    return new CircuitBreakerState(breakers.isEmpty() ? CircuitBreaker.DEFAULTS : breakers.get(0));
  }

  public CircuitBreaker limits() {
    return limits;
  }

  /** An upstream request in flight ({@code max_requests}). */
  public boolean tryStartRequest() {
    return tryIncrement(requests, limits.maxRequests());
  }

  public void endRequest() {
    decrement(requests);
  }

  /** A request waiting for a connection ({@code max_pending_requests}; 0 means none may wait). */
  public boolean tryStartPending() {
    return tryIncrement(pending, limits.maxPendingRequests());
  }

  public void endPending() {
    decrement(pending);
  }

  /** A retry in flight ({@code max_retries}, across all requests to this upstream). */
  public boolean tryStartRetry() {
    return tryIncrement(retries, limits.maxRetries());
  }

  public void endRetry() {
    decrement(retries);
  }

  /** Whether a new connection would stay within {@code max_connections}: a hint; {@link #tryOpenConnection} decides. */
  public boolean canOpenConnection() {
    return connections.get() < limits.maxConnections();
  }

  /** Takes a connection slot before connecting; false means queue the request as pending or overflow. */
  public boolean tryOpenConnection() {
    return tryIncrement(connections, limits.maxConnections());
  }

  /**
   * Counts a connection opened without asking first (a pool that cannot wait); it may take the count past the limit,
   * which then keeps {@link #canOpenConnection} false until enough close.
   */
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    decrement(connections);
  }

  public int activeRequests() {
    return requests.get();
  }

  public int pendingRequests() {
    return pending.get();
  }

  public int activeRetries() {
    return retries.get();
  }

  public int openConnections() {
    return connections.get();
  }

  private static boolean tryIncrement(AtomicInteger counter, int limit) {
    for (int n = counter.get(); n < limit; n = counter.get()) {
      if (counter.compareAndSet(n, n + 1)) return true;
    }
    return false;
  }

  /** Never below zero: an unpaired end is a caller bug, but must not open room past the limit for others. */
  private static void decrement(AtomicInteger counter) {
    counter.getAndUpdate(n -> n > 0 ? n - 1 : 0);
  }
}
