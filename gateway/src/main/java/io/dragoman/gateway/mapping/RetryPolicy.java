package io.dragoman.gateway.mapping;

import java.util.Objects;
import java.util.OptionalLong;

/** {@code retry_policy}: on what to retry ({@code 5xx}, {@code gateway-error}, ...), how often, per-try limit. */
public record RetryPolicy(String retryOn, int numRetries, OptionalLong perTryTimeoutMs) {
  public RetryPolicy {
    Objects.requireNonNull(retryOn, "retryOn");
    Objects.requireNonNull(perTryTimeoutMs, "perTryTimeoutMs");
    if (numRetries < 0) {
      throw new IllegalArgumentException("num_retries: " + numRetries + " (expected: >= 0)");
    }
  }
}
