package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.LocalRateLimit;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Redirect;
import io.dragoman.gateway.policy.Preflight;
import io.dragoman.gateway.policy.RateLimiter;
import io.dragoman.gateway.policy.Redirects;
import io.dragoman.gateway.routing.Route;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Map;

/** Answers the gateway gives itself for a matched route: redirects, CORS pre-flights, rate-limit refusals. */
final class PolicyAnswers {
  private static final HttpString ACCESS_CONTROL_REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
  private static final HttpString ACCESS_CONTROL_REQUEST_HEADERS = new HttpString("Access-Control-Request-Headers");

  private PolicyAnswers() {}

  /** CORS pre-flight and rate limit: true when the gateway has answered and nothing goes upstream. */
  static boolean answered(DownstreamExchange exchange, RoutePolicies.Extras extras) {
    HeaderMap in = exchange.requestHeaders();
    if (extras.cors() != null) {
      String origin = in.getFirst(Headers.ORIGIN);
      if (origin != null && Methods.OPTIONS.equals(exchange.method())) {
        Preflight p = extras.cors().preflight(origin, in.getFirst(ACCESS_CONTROL_REQUEST_METHOD),
            in.getFirst(ACCESS_CONTROL_REQUEST_HEADERS));
        if (p instanceof Preflight.Answer answer) {
          exchange.setStatusCode(answer.status());
          answer.headers().forEach((k, v) -> exchange.responseHeaders().put(new HttpString(k), v));
          exchange.setResponseContentLength(0);
          exchange.end();
          return true;
        }
      }
      if (origin != null) decorateWithCors(exchange, extras.cors().decorate(origin));
    }
    if (extras.limiter() != null) {
      LocalRateLimit limit = extras.limiter().limit();
      String client = exchange.sourceAddress() == null ? "" : exchange.sourceAddress().getHostString();
      String header = limit.key() == LocalRateLimit.Key.HEADER ? in.getFirst(limit.headerName()) : null;
      RateLimiter.Decision d = extras.limiter().tryAcquire(limit.keyOf(client, header));
      if (!d.allowed()) {
        ErrorResponses.send(exchange, Failure.RATE_LIMITED, "rate limited: over " + rate(limit) + " requests per second",
            Headers.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
        return true;
      }
    }
    return false;
  }

  /** Adds CORS headers when the response commits, whoever writes it (upstream or gateway). */
  private static void decorateWithCors(DownstreamExchange exchange, Map<String, String> headers) {
    if (headers.isEmpty()) return;
    exchange.onCommit(() -> {
      HeaderMap out = exchange.responseHeaders();
      for (Map.Entry<String, String> h : headers.entrySet()) {
        HttpString name = new HttpString(h.getKey());
        if (name.equals(Headers.VARY) && out.contains(Headers.VARY)) {
          out.add(Headers.VARY, h.getValue());
        } else {
          out.put(name, h.getValue()); // the gateway's policy wins over what the upstream said
        }
      }
    });
  }

  static void redirect(DownstreamExchange exchange, Route route, String path) {
    Redirect r = route.mapping().policies().redirect().orElseThrow();
    MatchSpec m = route.mapping().match();
    String matched = m.prefixRegex() || m.prefixExact() ? path : path.substring(0, Math.min(path.length(), m.prefix().length()));
    String host = exchange.requestHeaders().getFirst(Headers.HOST);
    String query = exchange.queryString() == null ? "" : exchange.queryString();
    String location = Redirects.location(r, exchange.scheme(), host == null ? "" : host, path, matched, query);
    exchange.setStatusCode(Redirects.status(r));
    exchange.responseHeaders().put(Headers.LOCATION, location);
    exchange.setResponseContentLength(0);
    exchange.end();
  }

  private static String rate(LocalRateLimit limit) {
    double rps = limit.requestsPerSecond();
    return rps == Math.rint(rps) ? Long.toString((long) rps) : Double.toString(rps);
  }

}
