package io.dragoman.gateway.mapping;

import java.util.Objects;

/**
 * How the parser treats untrusted text.
 *
 * @param ambassadorId objects are used only when their {@code ambassador_id} includes this (absent means "default")
 * @param maxBytes largest source text accepted (256 KiB by default)
 * @param maxAliases YAML aliases allowed in one source (50)
 * @param maxDepth nesting depth allowed (50)
 */
public record ParserSettings(String ambassadorId, int maxBytes, int maxAliases, int maxDepth) {
  public static final ParserSettings DEFAULTS = new ParserSettings("default", 256 * 1024, 50, 50);

  public ParserSettings {
    Objects.requireNonNull(ambassadorId, "ambassadorId");
    if (maxBytes < 1 || maxAliases < 0 || maxDepth < 1) {
      throw new IllegalArgumentException("parser limits must be positive");
    }
  }

  public ParserSettings withAmbassadorId(String id) {
    return new ParserSettings(id, maxBytes, maxAliases, maxDepth);
  }
}
