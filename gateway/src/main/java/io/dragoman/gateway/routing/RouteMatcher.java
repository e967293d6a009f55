package io.dragoman.gateway.routing;

/** The compiled lookup behind a {@link RouteTable}: returns the first matching group, or null. */
@FunctionalInterface
interface RouteMatcher {
  RouteGroup match(RequestView request);
}
