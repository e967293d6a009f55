package io.dragoman.gateway.mapping;

import java.util.Objects;

/**
 * Answer with a redirect instead of proxying. Empty strings mean "keep": {@code hostRedirect} the request's host,
 * {@code pathRedirect} the whole path, {@code prefixRedirect} the matched prefix. Code defaults to 301.
 */
public record Redirect(String hostRedirect, String pathRedirect, String prefixRedirect, int responseCode) {
  public Redirect {
    Objects.requireNonNull(hostRedirect, "hostRedirect");
    Objects.requireNonNull(pathRedirect, "pathRedirect");
    Objects.requireNonNull(prefixRedirect, "prefixRedirect");
    if (responseCode != 301 && responseCode != 302 && responseCode != 303 && responseCode != 307
        && responseCode != 308) {
      throw new IllegalArgumentException(
          "redirect_response_code: " + responseCode + " (expected: 301, 302, 303, 307 or 308)");
    }
  }
}
