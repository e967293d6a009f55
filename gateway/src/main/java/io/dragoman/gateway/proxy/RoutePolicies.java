package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.LocalRateLimit;
import io.dragoman.gateway.policy.CorsPolicy;
import io.dragoman.gateway.policy.RateLimiter;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The request policies of each route, compiled once per route table rather than per request: CORS and the local
 * rate limiter. Rate limiters outlive table swaps while their Mapping and limit stay the same, so a configuration
 * change elsewhere never refills anyone's bucket.
 */
final class RoutePolicies {
  /** What a route needs before it is relayed; NONE for the (common) route with no such policy. */
  record Extras(CorsPolicy cors, RateLimiter limiter) {
    static final Extras NONE = new Extras(null, null);
  }

  private record Compiled(RouteTable table, Map<Route, Extras> extras, Map<String, RateLimiter> limiters) {}

  private final AtomicReference<Compiled> current =
      new AtomicReference<>(new Compiled(RouteTable.empty(), Map.of(), Map.of()));
  private final LongSupplier nanoClock;
  private final int maxKeysPerLimiter;

  RoutePolicies(LongSupplier nanoClock, int maxKeysPerLimiter) {
    this.nanoClock = nanoClock;
    this.maxKeysPerLimiter = maxKeysPerLimiter;
  }

  Extras of(RouteTable table, Route route) {
    Compiled c = current.get();
    if (c.table != table) c = compile(table, c);
    Extras e = c.extras.get(route);
    return e == null ? Extras.NONE : e;
  }

  /** Racing threads may compile the same table twice; the result is the same and the last one wins. */
  private Compiled compile(RouteTable table, Compiled previous) {
    if (table.generation() < previous.table.generation()) return previous; // a late request on an old table
    Map<Route, Extras> extras = new IdentityHashMap<>();
    Map<String, RateLimiter> limiters = new HashMap<>();
    for (RouteGroup g : table.groups()) {
      for (Route r : g.members()) {
        CorsPolicy cors = CorsPolicy.of(r.cors()).orElse(null);
        RateLimiter limiter =
            r.mapping().policies().localRateLimit().map(l -> limiter(r, l, previous, limiters)).orElse(null);
        if (cors != null || limiter != null) extras.put(r, new Extras(cors, limiter));
      }
    }
    Compiled next = new Compiled(table, extras, limiters);
    current.set(next);
    return next;
  }

  private RateLimiter limiter(
      Route r, LocalRateLimit limit, Compiled previous, Map<String, RateLimiter> limiters) {
    String key = r.mapping().namespace() + "/" + r.mapping().name();
    RateLimiter old = previous.limiters.get(key);
    RateLimiter kept = old != null && old.limit().equals(limit) ? old : new RateLimiter(limit, nanoClock, maxKeysPerLimiter);
    limiters.put(key, kept);
    return kept;
  }
}
