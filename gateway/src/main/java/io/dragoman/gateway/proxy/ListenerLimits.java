package io.dragoman.gateway.proxy;

/**
 * Limits of the public listener beyond the head size, head timeout and keep-alive idle time that
 * {@link ProxySettings} carries. Each one is set explicitly on Undertow, whose own defaults are looser.
 *
 * @param maxUriBytes longest request target (path and query) accepted; longer is answered 414
 * @param idleStreamTimeoutMs a connection on which no byte moves in either direction for this long, while a request
 *     is in progress, is closed ({@link IdleSweep}; the rule also holds between requests, so it must not be shorter than
 *     the keep-alive idle time: the effective value is the larger of the two)
 * @param http2MaxConcurrentStreams streams one HTTP/2 connection may have open at once (advertised in SETTINGS)
 * @param http2MaxResetsPerWindow client RST_STREAM frames allowed per window before the connection is closed with
 *     GOAWAY (the "rapid reset" attack, CVE-2023-44487)
 * @param http2ResetWindowMs the window for {@code http2MaxResetsPerWindow}
 * @param maxQueryParameters query parameters Undertow parses; more is a 400
 * @param maxCookies cookies Undertow parses; more is a 400
 */
public record ListenerLimits(
    int maxUriBytes,
    long idleStreamTimeoutMs,
    int http2MaxConcurrentStreams,
    int http2MaxResetsPerWindow,
    long http2ResetWindowMs,
    int maxQueryParameters,
    int maxCookies) {

  public static final ListenerLimits DEFAULTS = new ListenerLimits(8 * 1024, 300_000, 100, 200, 30_000, 1000, 200);

  public ListenerLimits {
    positive("maxUriBytes", maxUriBytes);
    positive("idleStreamTimeoutMs", idleStreamTimeoutMs);
    if (idleStreamTimeoutMs > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "idleStreamTimeoutMs: " + idleStreamTimeoutMs + " (expected: 1-" + Integer.MAX_VALUE + ")");
    }
    positive("http2MaxConcurrentStreams", http2MaxConcurrentStreams);
    positive("http2MaxResetsPerWindow", http2MaxResetsPerWindow);
    positive("http2ResetWindowMs", http2ResetWindowMs);
    positive("maxQueryParameters", maxQueryParameters);
    positive("maxCookies", maxCookies);
  }

  private static void positive(String name, long value) {
    if (value <= 0) throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
  }

  public ListenerLimits withMaxUriBytes(int bytes) {
    return new ListenerLimits(bytes, idleStreamTimeoutMs, http2MaxConcurrentStreams, http2MaxResetsPerWindow,
        http2ResetWindowMs, maxQueryParameters, maxCookies);
  }

  public ListenerLimits withIdleStreamTimeoutMs(long ms) {
    return new ListenerLimits(maxUriBytes, ms, http2MaxConcurrentStreams, http2MaxResetsPerWindow,
        http2ResetWindowMs, maxQueryParameters, maxCookies);
  }
}
