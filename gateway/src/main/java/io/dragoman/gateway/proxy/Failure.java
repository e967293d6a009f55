package io.dragoman.gateway.proxy;

/**
 * Every way the gateway itself answers instead of the upstream. One enum decides the status, the
 * {@code x-dragoman-reason} header (Envoy's response flags, which operators already know), the access log field and
 * the metric label.
 */
public enum Failure {
  BAD_REQUEST(400, "BR"),
  /** The request head did not arrive in time (slow-loris); Envoy's flag for a downstream that went idle. */
  REQUEST_TIMEOUT(408, "SI"),
  NO_ROUTE(404, "NR"),
  BODY_TOO_LARGE(413, "BR"),
  URI_TOO_LONG(414, "BR"),
  HEADERS_TOO_LARGE(431, "BR"),
  RATE_LIMITED(429, "RL"),
  UPSTREAM_RESET(502, "UR"),
  UPSTREAM_CONNECT(503, "UF"),
  UPSTREAM_OVERFLOW(503, "UO"),
  UPSTREAM_TIMEOUT(504, "UT");

  public static final String REASON_HEADER = "x-dragoman-reason";

  private final int status;
  private final String reason;

  Failure(int status, String reason) {
    this.status = status;
    this.reason = reason;
  }

  public int status() {
    return status;
  }

  /** The short code for the reason header, logs and metrics. */
  public String reason() {
    return reason;
  }

  /** True for failures talking to the upstream (counted as upstream failures). */
  public boolean upstream() {
    return status >= 502;
  }
}
