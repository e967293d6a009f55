package io.dragoman.gateway.policy;

import java.util.Map;
import java.util.Objects;

/** What to do with an {@code OPTIONS} request on a route with CORS. */
public sealed interface Preflight {

  /** Not a CORS preflight (no {@code Origin} or no {@code Access-Control-Request-Method}): proxy it as usual. */
  record Proxy() implements Preflight {}

  /**
   * Answer it here, without contacting the upstream.
   *
   * @param allowed whether the origin was allowed; when not, {@code headers} carries no CORS header and the browser
   *     fails the preflight
   * @param headers response headers in the order to send them
   */
  record Answer(int status, boolean allowed, Map<String, String> headers) implements Preflight {
    public Answer {
      Objects.requireNonNull(headers, "headers");
      headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }
  }
}
