package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Reads a Mapping's traffic policies: weight, shadow, CORS, retries, circuit breakers, redirects. */
final class PolicyReader {
  static final Set<String> KEYS =
      Set.of(
          "weight", "shadow", "cors", "retry_policy", "circuit_breakers", "host_redirect", "path_redirect",
          "prefix_redirect", "redirect_response_code", "local_rate_limit");
  private static final Set<String> RATE_KEYS = Set.of("requests_per_second", "burst", "key", "header");
  static final Set<String> RETRY_ON =
      Set.of("5xx", "gateway-error", "connect-failure", "retriable-4xx", "refused-stream", "reset");
  private static final Set<String> RETRY_KEYS = Set.of("retry_on", "num_retries", "per_try_timeout");
  private static final Set<String> BREAKER_KEYS =
      Set.of("priority", "max_connections", "max_pending_requests", "max_requests", "max_retries");
  private static final Set<Long> REDIRECT_CODES = Set.of(301L, 302L, 303L, 307L, 308L);
  static final int MAX_RETRIES = 100;

  private PolicyReader() {}

  /** @param serviceRaw the Mapping's {@code service} text, the redirect host when {@code host_redirect: true} */
  static PolicySpec read(Fields f, String serviceRaw) {
    OptionalLong weight = f.integer("weight", 0, 100, "an integer percentage 0-100");
    return new PolicySpec(
        weight.isPresent() ? OptionalInt.of((int) weight.getAsLong()) : OptionalInt.empty(),
        f.bool("shadow", false),
        CorsReader.read(f, "cors"),
        retryPolicy(f),
        circuitBreakers(f),
        redirect(f, serviceRaw),
        localRateLimit(f));
  }

  /**
   * {@code local_rate_limit: {requests_per_second, burst, key: client_address | header | route, header}}: token
   * buckets enforced by each replica on its own (global limits need a shared rate-limit service).
   */
  private static Optional<LocalRateLimit> localRateLimit(Fields f) {
    Optional<Fields> block =
        f.block("local_rate_limit", "a map with requests_per_second, burst, key, header");
    if (block.isEmpty()) return Optional.empty();
    Fields r = block.get();
    r.rejectUnknown(RATE_KEYS, Set.of());
    int before = r.problems().size();
    Object rps = r.raw("requests_per_second");
    double perSecond = 0;
    if (rps instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue())) {
      perSecond = n.doubleValue();
    } else if (rps == null) {
      r.problems().missing(r.field("requests_per_second"), "a number of requests per second > 0");
    } else {
      r.problems().invalid(r.field("requests_per_second"), rps, "a number of requests per second > 0");
    }
    long burst = r.integer("burst", 1, 1_000_000, "an integer >= 1").orElse(Math.max(1, (long) Math.ceil(perSecond)));
    String keyText = r.string("key", "client_address, header or route").orElse("client_address");
    LocalRateLimit.Key key =
        switch (keyText) {
          case "client_address" -> LocalRateLimit.Key.CLIENT_ADDRESS;
          case "header" -> LocalRateLimit.Key.HEADER;
          case "route" -> LocalRateLimit.Key.ROUTE;
          default -> {
            r.problems().invalid(r.field("key"), keyText, "client_address, header or route");
            yield LocalRateLimit.Key.CLIENT_ADDRESS;
          }
        };
    String header = r.string("header", "a header name").orElse("");
    if (key == LocalRateLimit.Key.HEADER && header.isBlank()) {
      r.problems().missing(r.field("header"), "a header name (key: header)");
    } else if (key != LocalRateLimit.Key.HEADER && !header.isEmpty()) {
      r.problems().invalid(r.field("header"), header, "only with key: header");
    }
    if (r.problems().size() != before) return Optional.empty();
    return Optional.of(new LocalRateLimit(perSecond, (int) burst, key, header.toLowerCase(java.util.Locale.ROOT)));
  }

  private static Optional<RetryPolicy> retryPolicy(Fields f) {
    Optional<Fields> block = f.block("retry_policy", "a map with retry_on, num_retries, per_try_timeout");
    if (block.isEmpty()) return Optional.empty();
    Fields r = block.get();
    r.rejectUnknown(RETRY_KEYS, Set.of());
    String expected = "one or more of " + String.join(", ", RETRY_ON.stream().sorted().toList());
    Optional<String> retryOn = r.string("retry_on", expected);
    if (retryOn.isEmpty() && !r.has("retry_on")) r.problems().missing(r.field("retry_on"), expected);
    List<String> conditions = new ArrayList<>();
    for (String part : retryOn.orElse("").split(",")) {
      String c = part.trim();
      if (!RETRY_ON.contains(c) && retryOn.isPresent()) {
        r.problems().invalid(r.field("retry_on"), retryOn.get(), expected);
        return Optional.empty();
      }
      if (!c.isEmpty() && !conditions.contains(c)) conditions.add(c);
    }
    long retries = r.integer("num_retries", 0, MAX_RETRIES, "an integer count").orElse(1);
    OptionalLong perTry = perTryTimeout(r);
    if (retryOn.isEmpty()) return Optional.empty();
    return Optional.of(new RetryPolicy(String.join(",", conditions), (int) retries, perTry));
  }

  private static OptionalLong perTryTimeout(Fields r) {
    Object v = r.raw("per_try_timeout");
    if (!(v instanceof String s)) return r.millis("per_try_timeout");
    OptionalLong ms = Durations.millis(s.trim());
    if (ms.isEmpty()) {
      r.problems().invalid(r.field("per_try_timeout"), s, "a duration such as \"500ms\" or \"1.5s\", or integer milliseconds");
    }
    return ms;
  }

  private static List<CircuitBreaker> circuitBreakers(Fields f) {
    Object v = f.raw("circuit_breakers");
    if (v == null) return List.of();
    if (!(v instanceof List<?> list)) {
      f.problems().invalid(f.field("circuit_breakers"), v, "a list of {max_connections, max_pending_requests, ...}");
      return List.of();
    }
    List<CircuitBreaker> out = new ArrayList<>();
    Set<String> priorities = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String field = f.field("circuit_breakers") + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        f.problems().invalid(field, list.get(i), "a map of limits");
        continue;
      }
      breaker(new Fields(m, field, f.problems()), priorities).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<CircuitBreaker> breaker(Fields b, Set<String> priorities) {
    b.rejectUnknown(BREAKER_KEYS, Set.of());
    String priority = b.string("priority", "default or high").orElse("default");
    if (!priority.equals("default") && !priority.equals("high")) {
      b.problems().invalid(b.field("priority"), priority, "default or high");
    } else if (!priorities.add(priority)) {
      b.problems().invalid(b.field("priority"), priority, "one circuit breaker per priority");
    }
    CircuitBreaker d = CircuitBreaker.DEFAULTS;
    int before = b.problems().size();
    int connections = limit(b, "max_connections", 1, d.maxConnections());
    int pending = limit(b, "max_pending_requests", 0, d.maxPendingRequests());
    int requests = limit(b, "max_requests", 1, d.maxRequests());
    int retries = limit(b, "max_retries", 0, d.maxRetries());
    if (b.problems().size() != before) return Optional.empty();
    return Optional.of(new CircuitBreaker(connections, pending, requests, retries));
  }

  private static int limit(Fields b, String key, int min, int dflt) {
    return (int) b.integer(key, min, Integer.MAX_VALUE, "an integer").orElse(dflt);
  }

  private static Optional<Redirect> redirect(Fields f, String serviceRaw) {
    String host = hostRedirect(f, serviceRaw);
    String path = redirectPath(f, "path_redirect");
    String prefix = redirectPath(f, "prefix_redirect");
    if (!path.isEmpty() && !prefix.isEmpty()) {
      f.problems().invalid(f.field("prefix_redirect"), prefix, "not together with path_redirect");
    }
    OptionalLong code = f.integer("redirect_response_code", 0, Long.MAX_VALUE, "301, 302, 303, 307 or 308");
    if (code.isPresent() && !REDIRECT_CODES.contains(code.getAsLong())) {
      f.problems().invalid(f.field("redirect_response_code"), code.getAsLong(), "301, 302, 303, 307 or 308");
      return Optional.empty();
    }
    boolean redirecting = !host.isEmpty() || !path.isEmpty() || !prefix.isEmpty();
    if (!redirecting) {
      if (code.isPresent()) {
        f.problems().invalid(f.field("redirect_response_code"), code.getAsLong(),
            "only with host_redirect, path_redirect or prefix_redirect");
      }
      return Optional.empty();
    }
    return Optional.of(new Redirect(host, path, prefix, (int) code.orElse(301)));
  }

  /** Ambassador's {@code host_redirect: true} redirects to {@code service}; a string names the host itself. */
  private static String hostRedirect(Fields f, String serviceRaw) {
    Object v = f.raw("host_redirect");
    if (v == null || Boolean.FALSE.equals(v)) return "";
    if (Boolean.TRUE.equals(v)) return ServiceParser.redirectHost(serviceRaw);
    if (v instanceof String s && !s.isBlank() && s.indexOf('/') < 0 && s.indexOf('@') < 0) return s.trim();
    f.problems().invalid(f.field("host_redirect"), v, "true (redirect to service) or a host name");
    return "";
  }

  private static String redirectPath(Fields f, String key) {
    String p = f.string(key, "a path starting with /").orElse("");
    if (!p.isEmpty() && !p.startsWith("/")) {
      f.problems().invalid(f.field(key), p, "a path starting with /");
      return "";
    }
    return p;
  }
}
