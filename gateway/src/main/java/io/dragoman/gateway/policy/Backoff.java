package io.dragoman.gateway.policy;

import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The wait before a retry, as Envoy's default: fully jittered exponential back-off. Retry {@code n} (1-based) waits a
 * uniformly random time in {@code [0, (2^n - 1) * base)}, the upper bound capped at {@code max}; Envoy's defaults are a
 * base of 25 ms and a cap of ten times that. Full jitter spreads the retries of many clients that failed together.
 */
public final class Backoff {
  public static final long DEFAULT_BASE_MS = 25;
  public static final long DEFAULT_MAX_MS = 250;

  private final long baseMs;
  private final long maxMs;
  private final DoubleSupplier random;

  /** Envoy's defaults (25 ms, capped at 250 ms). */
  public Backoff(DoubleSupplier random) {
    this(DEFAULT_BASE_MS, DEFAULT_MAX_MS, random);
  }

  /** @param random uniform in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble} */
  public Backoff(long baseMs, long maxMs, DoubleSupplier random) {
    if (baseMs < 1) throw new IllegalArgumentException("backoff.base_ms: " + baseMs + " (expected: >= 1)");
    if (maxMs < baseMs) {
      throw new IllegalArgumentException("backoff.max_ms: " + maxMs + " (expected: >= base " + baseMs + ")");
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The upper bound (exclusive) of retry {@code retry}'s wait. */
  public long ceilingMs(int retry) {
    if (retry < 1) throw new IllegalArgumentException("retry: " + retry + " (expected: >= 1)");
    // 2^n - 1 overflows past n = 62; the cap has long been reached by then.
    if (retry >= 62) return maxMs;
    long multiplier = (1L << retry) - 1;
    return multiplier > maxMs / baseMs ? maxMs : Math.min(maxMs, multiplier * baseMs);
  }

  /** The wait before retry {@code retry} (1 for the first retry), in milliseconds. */
  public long delayMs(int retry) {
    long ceiling = ceilingMs(retry);
    double u = random.getAsDouble();
    if (!(u >= 0) || u >= 1) throw new IllegalStateException("random: " + u + " (expected: in [0, 1))");
    return Math.min(ceiling - 1, (long) (u * ceiling));
  }
}
