package io.dragoman.gateway.mapping;

import java.util.Objects;

/**
 * A local token-bucket limit on a route: {@code requestsPerSecond} refill, up to {@code burst} requests at once,
 * one bucket per {@link Key}.
 *
 * @param headerName the header whose value is the key when {@code key} is {@link Key#HEADER}; "" otherwise
 */
public record LocalRateLimit(double requestsPerSecond, int burst, Key key, String headerName) {

  /** What a bucket is kept for. */
  public enum Key {
    /** One bucket per client address. */
    CLIENT_ADDRESS,
    /** One bucket per value of {@code headerName}; requests without the header share one bucket. */
    HEADER,
    /** One bucket for the whole route. */
    ROUTE
  }

  public LocalRateLimit {
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException("local_rate_limit.requests_per_second: " + number(requestsPerSecond) + " (expected: > 0)");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("local_rate_limit.burst: " + burst + " (expected: >= 1)");
    }
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(headerName, "headerName");
    if (key == Key.HEADER && headerName.isBlank()) {
      throw new IllegalArgumentException("local_rate_limit.header: \"" + headerName + "\" (expected: a header name)");
    }
  }

  /**
   * The bucket key of one request.
   *
   * @param clientAddress the client's address (without port)
   * @param headerValue the value of {@code headerName}, null when absent or when the key is not a header
   */
  public String keyOf(String clientAddress, String headerValue) {
    return switch (key) {
      case CLIENT_ADDRESS -> clientAddress == null ? "" : clientAddress;
      case HEADER -> headerValue == null ? "" : headerValue;
      case ROUTE -> "";
    };
  }

  private static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
