package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.ParsedSource;
import java.time.Clock;
import java.util.List;

/**
 * Compiles parsed sources into a {@link RouteTable}: name uniqueness per namespace and kind (by source key order),
 * Module defaults, canary groups and their weights, the documented order, compiled matchers and a prefix index.
 * Pure apart from the injected clock; never throws on bad configuration.
 */
public final class RouteTableBuilder {
  private final Clock clock;

  public RouteTableBuilder(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param sources every source's parsed objects (the caller has already substituted last good objects for
   *     unreadable sources)
   * @param previous the table serving now; a canary group whose weights became invalid keeps its previous members
   */
  public RouteTable build(List<ParsedSource> sources, RouteTable previous) {
    // Implemented by the routing work package.
    return new RouteTable(
        List.of(), List.of(), List.of(), List.of(), previous.generation() + 1, clock.instant(), r -> null);
  }
}
