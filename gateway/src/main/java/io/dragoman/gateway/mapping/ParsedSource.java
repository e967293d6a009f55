package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Objects;

/**
 * What one source yielded. {@code unreadable} is true when the text as a whole could not be read (YAML syntax, size
 * or alias limits): then nothing in it is trusted and the caller keeps the source's last good objects.
 *
 * @param objectCount documents seen, including empty, skipped and invalid ones
 */
public record ParsedSource(
    String key,
    String namespace,
    List<Mapping> mappings,
    List<ModuleConfig> modules,
    List<ConfigError> errors,
    List<Skipped> skipped,
    int objectCount,
    boolean unreadable) {

  public ParsedSource {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(namespace, "namespace");
    mappings = List.copyOf(mappings);
    modules = List.copyOf(modules);
    errors = List.copyOf(errors);
    skipped = List.copyOf(skipped);
  }
}
