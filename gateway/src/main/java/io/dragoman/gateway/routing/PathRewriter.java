package io.dragoman.gateway.routing;

/** Turns the matched request path into the upstream path (without the query). Compiled once per route. */
@FunctionalInterface
public interface PathRewriter {
  String rewrite(String path);
}
