package io.dragoman.gateway.mapping;

import java.util.Objects;

/** A header to add: literal value; {@code append} false replaces any existing value. */
public record HeaderValue(String name, String value, boolean append) {
  public HeaderValue {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name: \"\" (expected: a non-empty name)");
    }
  }
}
