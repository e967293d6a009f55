package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Skipped;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The immutable, compiled routing table, published by one atomic swap. It also carries the errors, skipped objects
 * and sources it was built from, so diagnostics always shows one consistent picture.
 */
public final class RouteTable {
  private final List<RouteGroup> groups;
  private final List<ConfigError> errors;
  private final List<Skipped> skipped;
  private final List<SourceInfo> sources;
  private final long generation;
  private final Instant builtAt;
  private final RouteMatcher matcher;

  RouteTable(
      List<RouteGroup> groups,
      List<ConfigError> errors,
      List<Skipped> skipped,
      List<SourceInfo> sources,
      long generation,
      Instant builtAt,
      RouteMatcher matcher) {
    this.groups = List.copyOf(groups);
    this.errors = List.copyOf(errors);
    this.skipped = List.copyOf(skipped);
    this.sources = List.copyOf(sources);
    this.generation = generation;
    this.builtAt = Objects.requireNonNull(builtAt, "builtAt");
    this.matcher = Objects.requireNonNull(matcher, "matcher");
  }

  public static RouteTable empty() {
    return new RouteTable(List.of(), List.of(), List.of(), List.of(), 0, Instant.EPOCH, request -> null);
  }

  /** The first group, in match order, whose conditions the request meets; {@code null} when none does. */
  public RouteGroup match(RequestView request) {
    return matcher.match(request);
  }

  /** Every group in match order. */
  public List<RouteGroup> groups() {
    return groups;
  }

  public List<ConfigError> errors() {
    return errors;
  }

  public List<Skipped> skipped() {
    return skipped;
  }

  public List<SourceInfo> sources() {
    return sources;
  }

  /** 0 for the empty table; each build counts up. */
  public long generation() {
    return generation;
  }

  public Instant builtAt() {
    return builtAt;
  }

  /** Number of routes (canary members and shadows). */
  public int routeCount() {
    int n = 0;
    for (RouteGroup g : groups) n += g.members().size() + g.shadows().size();
    return n;
  }
}
