package io.dragoman.gateway.policy;

import io.dragoman.gateway.mapping.Cors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A route's {@code cors} block as answers: the headers of a preflight response and those added to actual responses.
 *
 * <p>Origins are exact strings or {@code *}, as in Ambassador and Emissary, which hand them to Envoy as exact
 * matches; neither offers origin patterns on a Mapping. They compare case-insensitively because browsers send the
 * scheme and host in lower case while users write them as they like.
 *
 * <p>Like Envoy, the configured methods and headers are listed as configured, not checked against what the browser
 * asks for (the browser enforces them), and empty lists send no header at all rather than echoing the request.
 *
 * <p>A preflight from an origin that is not allowed is answered here with 200 and no CORS header, so the browser
 * refuses the real request. Envoy's default ({@code forward_not_matching_preflights: true}) forwards such a
 * preflight to the upstream instead; Istio and Envoy's own option treat answering locally as the correct behaviour:
 * a backend behind a gateway that owns CORS should not see preflights it never agreed to handle.
 *
 * <p>{@code Vary: Origin} is always sent with CORS headers: even with {@code *} the response differs between a
 * request with an {@code Origin} and one without, and a shared cache must not mix them.
 */
public final class CorsPolicy {
  static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
  static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
  static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
  static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
  static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
  static final String MAX_AGE = "Access-Control-Max-Age";
  static final String VARY = "Vary";

  private final Cors cors;
  private final boolean anyOrigin;
  private final Set<String> origins;

  private CorsPolicy(Cors cors) {
    this.cors = cors;
    this.anyOrigin = cors.origins().contains("*");
    this.origins = cors.origins().stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }

  /** The policy of a route's (Module-resolved) {@code cors}, empty when it has none. */
  public static Optional<CorsPolicy> of(Optional<Cors> cors) {
    return cors.map(CorsPolicy::new);
  }

  public Cors cors() {
    return cors;
  }

  /** Whether {@code origin} (the request's {@code Origin}, possibly null) may read responses. */
  public boolean allows(String origin) {
    if (origin == null || origin.isEmpty()) return false;
    return anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /**
   * Decides an {@code OPTIONS} request; the caller asks only for {@code OPTIONS}.
   *
   * @param origin the {@code Origin} header, null when absent
   * @param requestMethod {@code Access-Control-Request-Method}, null when absent
   * @param requestHeaders {@code Access-Control-Request-Headers}, null when absent; not echoed (see class comment)
   */
  public Preflight preflight(String origin, String requestMethod, String requestHeaders) {
    if (origin == null || origin.isEmpty() || requestMethod == null || requestMethod.isEmpty()) {
      return new Preflight.Proxy();
    }
    if (!allows(origin)) return new Preflight.Answer(200, false, Map.of());
    Map<String, String> h = originHeaders(origin);
    putList(h, ALLOW_METHODS, cors.methods());
    putList(h, ALLOW_HEADERS, cors.headers());
    cors.maxAgeSeconds().ifPresent(s -> h.put(MAX_AGE, Long.toString(s)));
    return new Preflight.Answer(200, true, h);
  }

  /**
   * Headers to add to an actual (non-preflight) response.
   *
   * @param origin the request's {@code Origin}, null when absent
   * @return empty when the request is not cross-origin or its origin is not allowed; the caller appends
   *     {@code Vary} to one the upstream already sent and replaces any {@code Access-Control-*} it sent
   */
  public Map<String, String> decorate(String origin) {
    if (!allows(origin)) return Map.of();
    Map<String, String> h = originHeaders(origin);
    putList(h, EXPOSE_HEADERS, cors.exposedHeaders());
    return java.util.Collections.unmodifiableMap(h);
  }

  /** {@code *} only when any origin is allowed without credentials: browsers refuse {@code *} with credentials. */
  private Map<String, String> originHeaders(String origin) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put(ALLOW_ORIGIN, anyOrigin && !cors.credentials() ? "*" : origin);
    h.put(VARY, "Origin");
    if (cors.credentials()) h.put(ALLOW_CREDENTIALS, "true");
    return h;
  }

  private static void putList(Map<String, String> h, String name, List<String> values) {
    if (!values.isEmpty()) h.put(name, String.join(", ", values));
  }

  @Override
  public String toString() {
    return "CorsPolicy" + Objects.toString(cors);
  }
}
