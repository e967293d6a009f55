package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.CircuitBreaker;
import io.dragoman.gateway.mapping.RetryPolicy;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.policy.Backoff;
import io.dragoman.gateway.policy.CircuitBreakerState;
import io.dragoman.gateway.policy.RetryDecider;
import io.dragoman.gateway.routing.Route;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The live retry and circuit-breaker state, shared by every request on every I/O thread. A breaker belongs to one
 * upstream and its limits (Envoy keeps one per cluster), so two Mappings with the same service and limits share
 * counters; a changed limit starts fresh counters. Routes without these policies never reach the maps.
 */
final class UpstreamPolicies {
  private record BreakerKey(ServiceRef service, CircuitBreaker limits) {}

  private final ConcurrentHashMap<BreakerKey, CircuitBreakerState> breakers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RetryPolicy, Optional<RetryDecider>> deciders = new ConcurrentHashMap<>();
  private final Backoff backoff = new Backoff(() -> ThreadLocalRandom.current().nextDouble());

  /** The route's upstream breaker, null when its Mapping sets no {@code circuit_breakers}. */
  CircuitBreakerState breaker(Route route) {
    List<CircuitBreaker> limits = route.mapping().policies().circuitBreakers();
    if (limits.isEmpty()) return null;
    return breakers.computeIfAbsent(
        new BreakerKey(route.mapping().service(), limits.get(0)), k -> new CircuitBreakerState(k.limits()));
  }

  /** The route's retry decisions, null when it has no {@code retry_policy} (or one that cannot apply). */
  RetryDecider retry(Route route) {
    Optional<RetryPolicy> policy = route.mapping().policies().retryPolicy();
    if (policy.isEmpty() || policy.get().numRetries() == 0) return null;
    return deciders.computeIfAbsent(policy.get(), UpstreamPolicies::decider).orElse(null);
  }

  Backoff backoff() {
    return backoff;
  }

  private static Optional<RetryDecider> decider(RetryPolicy policy) {
    try {
      return Optional.of(new RetryDecider(policy));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // the parser reports a bad retry_on; the route then simply does not retry
    }
  }
}
