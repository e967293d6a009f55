package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** {@code cors}: what a cross-origin caller may do. Lists are empty when not given. */
public record Cors(
    List<String> origins,
    List<String> methods,
    List<String> headers,
    boolean credentials,
    List<String> exposedHeaders,
    OptionalLong maxAgeSeconds) {
  public Cors {
    origins = List.copyOf(origins);
    methods = List.copyOf(methods);
    headers = List.copyOf(headers);
    exposedHeaders = List.copyOf(exposedHeaders);
    Objects.requireNonNull(maxAgeSeconds, "maxAgeSeconds");
  }
}
