package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ModuleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Applies the {@code Module ambassador} defaults to a Mapping: a setting the Mapping has wins, else the Module's,
 * else the built-in default ({@link Route#DEFAULT_TIMEOUT_MS}, {@link Route#DEFAULT_CONNECT_TIMEOUT_MS},
 * {@link Route#DEFAULT_IDLE_TIMEOUT_MS}). Added headers merge: the Mapping's own, then the Module's for names the
 * Mapping does not set (compared case-insensitively).
 */
final class RouteDefaults {
  private final ModuleConfig module;

  RouteDefaults(ModuleConfig module) {
    this.module = module;
  }

  Route route(Mapping mapping, double weightPercent, PathRewriter rewriter) {
    ForwardSpec f = mapping.forward();
    return new Route(
        mapping,
        weightPercent,
        f.timeoutMs().orElse(module.timeoutMs().orElse(Route.DEFAULT_TIMEOUT_MS)),
        f.connectTimeoutMs().orElse(module.connectTimeoutMs().orElse(Route.DEFAULT_CONNECT_TIMEOUT_MS)),
        f.idleTimeoutMs().orElse(module.idleTimeoutMs().orElse(Route.DEFAULT_IDLE_TIMEOUT_MS)),
        merge(f.addRequestHeaders(), module.addRequestHeaders()),
        merge(f.addResponseHeaders(), module.addResponseHeaders()),
        mapping.policies().cors().or(module::cors),
        rewriter);
  }

  static List<HeaderValue> merge(List<HeaderValue> own, List<HeaderValue> defaults) {
    if (defaults.isEmpty()) return own;
    Set<String> taken = new HashSet<>();
    for (HeaderValue h : own) taken.add(h.name().toLowerCase(Locale.ROOT));
    List<HeaderValue> out = new ArrayList<>(own);
    for (HeaderValue h : defaults) {
      if (!taken.contains(h.name().toLowerCase(Locale.ROOT))) out.add(h);
    }
    return out;
  }
}
