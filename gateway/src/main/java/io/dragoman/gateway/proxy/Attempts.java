package io.dragoman.gateway.proxy;

import io.dragoman.gateway.policy.CircuitBreakerState;
import io.dragoman.gateway.policy.RetryDecider;
import java.util.function.Predicate;

/**
 * The tries of one relayed request as its upstream's circuit breaker and its route's retry policy allow them: the
 * breaker slots the request holds, and how many retries it has made. Used on the exchange's I/O thread only.
 */
final class Attempts {
  private final CircuitBreakerState breaker; // null: the upstream has none
  private final RetryDecider retry; // null: no retries
  private boolean requestSlot;
  private boolean retrySlot;
  private int retries;

  Attempts(CircuitBreakerState breaker, RetryDecider retry) {
    this.breaker = breaker;
    this.retry = retry;
  }

  /** The route's retry policy, or null when its tries are never repeated. */
  RetryDecider policy() {
    return retry;
  }

  /** Takes the breaker's slot for one request; false when {@code max_requests} are already in flight. */
  boolean admit() {
    if (breaker == null) return true;
    if (!breaker.tryStartRequest()) return false;
    requestSlot = true;
    return true;
  }

  String refusal() {
    return "circuit breaker: max_requests " + breaker.limits().maxRequests() + " reached";
  }

  /**
   * Whether a failed try may be tried again: the policy's condition holds, retries are left, and the breaker has room
   * for one more retry in flight (the slot of an earlier retry is given back first). The caller checks that the body
   * can be sent again.
   */
  boolean mayRetry(Predicate<RetryDecider> condition) {
    if (retry == null || !condition.test(retry) || retries >= retry.maxRetries()) return false;
    if (retrySlot) {
      breaker.endRetry();
      retrySlot = false;
    }
    if (breaker != null) {
      if (!breaker.tryStartRetry()) return false;
      retrySlot = true;
    }
    return true;
  }

  /** Counts a retry about to be made; returns how many have been made, this one included. */
  int nextRetry() {
    return ++retries;
  }

  /** The request is over: gives its breaker slots back. */
  void release() {
    if (requestSlot) {
      breaker.endRequest();
      requestSlot = false;
    }
    if (retrySlot) {
      breaker.endRetry();
      retrySlot = false;
    }
  }
}
