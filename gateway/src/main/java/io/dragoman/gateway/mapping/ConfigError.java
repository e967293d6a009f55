package io.dragoman.gateway.mapping;

import java.util.Objects;

/**
 * A configuration problem, as a value: which source, which object in it (its name, or {@code <key>.<index>} when it
 * has none), which field ("" when the whole object or source is at fault) and what was expected.
 */
public record ConfigError(String source, String object, String field, String message) {
  public ConfigError {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /**
   * One line for logs: {@code source object: field: message}. The field is left out when the message already starts
   * with it (the parser writes self-contained messages such as {@code timeout_ms: "3s" (expected: ...)}).
   */
  public String describe() {
    return field.isEmpty() || message.startsWith(field + ":")
        ? source + " " + object + ": " + message
        : source + " " + object + ": " + field + ": " + message;
  }
}
