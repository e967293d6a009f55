package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Cors;
import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.mapping.Mapping;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One compiled Mapping, ready for the proxy: its effective canary weight, its settings with the Module defaults
 * applied, and its path rewrite.
 *
 * @param weightPercent effective share of its group's traffic, 0-100 (0 for shadows)
 * @param timeoutMs whole upstream exchange, 0 = none
 * @param idleTimeoutMs per-stream idle limit, 0 = none
 * @param addRequestHeaders the Mapping's own, then the Module's for names the Mapping does not set
 */
public record Route(
    Mapping mapping,
    double weightPercent,
    long timeoutMs,
    long connectTimeoutMs,
    long idleTimeoutMs,
    List<HeaderValue> addRequestHeaders,
    List<HeaderValue> addResponseHeaders,
    Optional<Cors> cors,
    PathRewriter rewriter) {

  public static final long DEFAULT_TIMEOUT_MS = 3000;
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 3000;

  /**
   * No idle limit unless the Mapping or the Module sets one: {@code timeout_ms} (default 3000) already bounds an
   * exchange, and a Mapping that sets {@code timeout_ms: 0} for long-polling, WebSocket or streamed inference wants
   * no limit the user did not write.
   */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 0;

  public Route {
    Objects.requireNonNull(mapping, "mapping");
    addRequestHeaders = List.copyOf(addRequestHeaders);
    addResponseHeaders = List.copyOf(addResponseHeaders);
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(rewriter, "rewriter");
  }

  /**
   * The path and query to send upstream.
   *
   * @param path the normalised request path the route matched
   * @param rawQuery the query string as received, without {@code ?}; "" when none
   */
  public String forwardPath(String path, String rawQuery) {
    String rewritten = rewriter.rewrite(path);
    return rawQuery.isEmpty() ? rewritten : rewritten + "?" + rawQuery;
  }

  /** The Host header to send upstream, given the client's. */
  public String upstreamHost(String clientHost) {
    if (!mapping.forward().hostRewrite().isEmpty()) return mapping.forward().hostRewrite();
    if (mapping.forward().autoHostRewrite()) return mapping.service().host();
    return clientHost;
  }
}
