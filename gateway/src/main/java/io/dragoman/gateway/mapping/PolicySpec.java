package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Traffic policies of a Mapping: its canary weight (empty when unweighted), shadowing, CORS, retries, circuit
 * breakers, redirects and the local rate limit.
 */
public record PolicySpec(
    OptionalInt weight,
    boolean shadow,
    Optional<Cors> cors,
    Optional<RetryPolicy> retryPolicy,
    List<CircuitBreaker> circuitBreakers,
    Optional<Redirect> redirect,
    Optional<LocalRateLimit> localRateLimit) {

  public static final PolicySpec DEFAULTS =
      new PolicySpec(
          OptionalInt.empty(), false, Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
          Optional.empty());

  public PolicySpec {
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    circuitBreakers = List.copyOf(circuitBreakers);
    Objects.requireNonNull(redirect, "redirect");
    Objects.requireNonNull(localRateLimit, "localRateLimit");
    if (weight.isPresent() && (weight.getAsInt() < 0 || weight.getAsInt() > 100)) {
      throw new IllegalArgumentException("weight: " + weight.getAsInt() + " (expected: 0-100)");
    }
  }
}
