package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code config} of a {@code kind: Module} named {@code ambassador}: defaults for every Mapping that does not
 * set its own. {@code timeoutMs} comes from {@code timeout_ms} or its older name {@code cluster_request_timeout_ms}.
 */
public record ModuleConfig(
    String source,
    String objectId,
    String namespace,
    Optional<Cors> cors,
    OptionalLong timeoutMs,
    OptionalLong connectTimeoutMs,
    OptionalLong idleTimeoutMs,
    List<HeaderValue> addRequestHeaders,
    List<HeaderValue> addResponseHeaders,
    Map<String, Object> raw) {

  public static final ModuleConfig NONE =
      new ModuleConfig(
          "", "", "", Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
          List.of(), List.of(), Map.of());

  public ModuleConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(timeoutMs, "timeoutMs");
    Objects.requireNonNull(connectTimeoutMs, "connectTimeoutMs");
    Objects.requireNonNull(idleTimeoutMs, "idleTimeoutMs");
    addRequestHeaders = List.copyOf(addRequestHeaders);
    addResponseHeaders = List.copyOf(addResponseHeaders);
    raw = Map.copyOf(raw);
  }
}
