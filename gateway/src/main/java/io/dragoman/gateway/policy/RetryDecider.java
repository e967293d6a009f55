package io.dragoman.gateway.policy;

import io.dragoman.gateway.mapping.RetryPolicy;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a failed try of a request should be tried again, after Envoy's {@code retry_on} conditions (which
 * Ambassador passes through unchanged). In short:
 *
 * <ul>
 *   <li>{@code 5xx}: the upstream answered with any 5xx status, or never answered: it could not be connected to, it
 *       reset or closed the stream, refused the stream, or a try timed out. The broadest condition;
 *   <li>{@code gateway-error}: like {@code 5xx} but only the statuses 502, 503 and 504; failures without an answer
 *       (connect failure, reset, per-try timeout) still count, as Envoy treats them as a gateway error;
 *   <li>{@code connect-failure}: the connection to the upstream could not be made (refused, connect timeout);
 *   <li>{@code retriable-4xx}: the upstream answered 409 Conflict;
 *   <li>{@code refused-stream}: the upstream refused an HTTP/2 stream ({@code REFUSED_STREAM}), so it never saw it;
 *   <li>{@code reset}: the upstream did not answer at all: connect failure, disconnect, reset, per-try timeout.
 * </ul>
 *
 * <p>Which requests may be retried at all (a fully buffered body) is the caller's decision, as is counting the tries
 * against {@link #maxRetries()} and the circuit breaker's {@code max_retries}.
 */
public final class RetryDecider {
  /** The conditions {@code retry_on} may list. */
  enum On {
    FIVE_XX("5xx"),
    GATEWAY_ERROR("gateway-error"),
    CONNECT_FAILURE("connect-failure"),
    RETRIABLE_4XX("retriable-4xx"),
    REFUSED_STREAM("refused-stream"),
    RESET("reset");

    final String text;

    On(String text) {
      this.text = text;
    }

    static On parse(String s) {
      for (On on : values()) if (on.text.equals(s)) return on;
      throw new IllegalArgumentException(
          "retry_on: \"" + s + "\" (expected: 5xx, gateway-error, connect-failure, retriable-4xx, refused-stream or"
              + " reset)");
    }
  }

  private final RetryPolicy policy;
  private final Set<On> on;

  public RetryDecider(RetryPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    EnumSet<On> set = EnumSet.noneOf(On.class);
    for (String part : policy.retryOn().split(",")) {
      String c = part.trim().toLowerCase(Locale.ROOT);
      if (!c.isEmpty()) set.add(On.parse(c));
    }
    this.on = set;
  }

  public RetryPolicy policy() {
    return policy;
  }

  /** The upstream answered with {@code status}. */
  public boolean retryOnStatus(int status) {
    if (on.contains(On.FIVE_XX) && status >= 500 && status <= 599) return true;
    if (on.contains(On.GATEWAY_ERROR) && (status == 502 || status == 503 || status == 504)) return true;
    return on.contains(On.RETRIABLE_4XX) && status == 409;
  }

  /** The connection to the upstream could not be made. */
  public boolean retryOnConnectFailure() {
    return noAnswerCounts() || on.contains(On.CONNECT_FAILURE);
  }

  /** The upstream closed or reset the connection or stream before answering. */
  public boolean retryOnReset() {
    return noAnswerCounts();
  }

  /** The upstream refused an HTTP/2 stream. */
  public boolean retryOnRefusedStream() {
    return noAnswerCounts() || on.contains(On.REFUSED_STREAM);
  }

  /** A try ran past {@link #perTryTimeoutMs}: Envoy counts it as a 504 for 5xx and gateway-error, and as a reset. */
  public boolean retryOnPerTryTimeout() {
    return noAnswerCounts();
  }

  /** How many tries after the first, at most ({@code num_retries}, default 1). */
  public int maxRetries() {
    return policy.numRetries();
  }

  /**
   * The limit of one try: {@code per_try_timeout}, never longer than the route's whole timeout (which covers all tries);
   * the route's timeout when no per-try limit is set. 0 means none.
   */
  public long perTryTimeoutMs(long routeTimeoutMs) {
    if (policy.perTryTimeoutMs().isEmpty() || policy.perTryTimeoutMs().getAsLong() == 0) return routeTimeoutMs;
    long perTry = policy.perTryTimeoutMs().getAsLong();
    return routeTimeoutMs > 0 ? Math.min(perTry, routeTimeoutMs) : perTry;
  }

  private boolean noAnswerCounts() {
    return on.contains(On.FIVE_XX) || on.contains(On.GATEWAY_ERROR) || on.contains(On.RESET);
  }
}
