package io.dragoman.gateway.mapping;

/** One {@code circuit_breakers} entry; unset limits take Envoy's defaults (1024 / 1024 / 1024 / 3). */
public record CircuitBreaker(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {
  public static final CircuitBreaker DEFAULTS = new CircuitBreaker(1024, 1024, 1024, 3);

  public CircuitBreaker {
    if (maxConnections < 1 || maxPendingRequests < 0 || maxRequests < 1 || maxRetries < 0) {
      throw new IllegalArgumentException("circuit_breakers: limits must be positive");
    }
  }
}
