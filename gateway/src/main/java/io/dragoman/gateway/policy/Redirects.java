package io.dragoman.gateway.policy;

import io.dragoman.gateway.mapping.Redirect;

/**
 * Where a redirecting Mapping sends the client, as Envoy's route redirect (what Ambassador configures) computes it:
 *
 * <ul>
 *   <li>{@code host_redirect} replaces the host (with a port when one was written). The parser has already resolved
 *       {@code host_redirect: true} to the {@code service}'s {@code host[:port]} as written, so this class needs no
 *       {@code ServiceRef}. The scheme stays the request's: Envoy changes it only for {@code https_redirect}, which
 *       Dragoman does not offer;
 *   <li>{@code path_redirect} replaces the whole path. When it contains {@code ?} its query replaces the request's
 *       (Envoy: "the query string in path_redirect overrides the request's"); otherwise the request's query is kept;
 *   <li>{@code prefix_redirect} replaces the matched prefix (the whole path for {@code prefix_regex} and
 *       {@code prefix_exact} Mappings, which the caller passes as {@code matchedPrefix}); the query is kept;
 *   <li>with none of the path options, the path and query are kept as requested.
 * </ul>
 */
public final class Redirects {
  private Redirects() {}

  /**
   * The {@code Location} header value, an absolute URL.
   *
   * @param requestScheme {@code http} or {@code https}, as the client connected
   * @param requestHost the request's Host (authority), with its port if it had one
   * @param path the request path the route matched (without the query)
   * @param matchedPrefix the part of {@code path} the Mapping's prefix matched
   * @param rawQuery the query as received, without {@code ?}; "" when none
   */
  public static String location(
      Redirect r, String requestScheme, String requestHost, String path, String matchedPrefix, String rawQuery) {
    String host = r.hostRedirect().isEmpty() ? requestHost : r.hostRedirect();
    String pathAndQuery = pathAndQuery(r, path, matchedPrefix, rawQuery);
    return requestScheme + "://" + host + pathAndQuery;
  }

  /** The status to answer with: {@code redirect_response_code}, 301 unless set. */
  public static int status(Redirect r) {
    return r.responseCode();
  }

  private static String pathAndQuery(Redirect r, String path, String matchedPrefix, String rawQuery) {
    if (!r.pathRedirect().isEmpty()) {
      return r.pathRedirect().indexOf('?') >= 0 ? r.pathRedirect() : withQuery(r.pathRedirect(), rawQuery);
    }
    // Case-blind, as a case_sensitive: false Mapping matched it.
    if (!r.prefixRedirect().isEmpty() && path.regionMatches(true, 0, matchedPrefix, 0, matchedPrefix.length())) {
      return withQuery(r.prefixRedirect() + path.substring(matchedPrefix.length()), rawQuery);
    }
    return withQuery(path, rawQuery);
  }

  private static String withQuery(String path, String rawQuery) {
    return rawQuery.isEmpty() ? path : path + "?" + rawQuery;
  }
}
