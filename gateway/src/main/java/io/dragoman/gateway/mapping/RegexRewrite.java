package io.dragoman.gateway.mapping;

import java.util.Objects;

/** {@code regex_rewrite}: an RE2 pattern over the path and its substitution ({@code \1} style groups). */
public record RegexRewrite(String pattern, String substitution) {
  public RegexRewrite {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(substitution, "substitution");
  }
}
