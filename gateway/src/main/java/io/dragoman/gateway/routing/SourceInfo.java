package io.dragoman.gateway.routing;

import java.util.Objects;

/**
 * One configuration source as diagnostics shows it.
 *
 * @param objects objects read from it
 * @param errors errors found in it
 * @param stale true while its current text is unreadable and its last good objects keep serving
 */
public record SourceInfo(String key, String namespace, int objects, int errors, boolean stale) {
  public SourceInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(namespace, "namespace");
  }
}
