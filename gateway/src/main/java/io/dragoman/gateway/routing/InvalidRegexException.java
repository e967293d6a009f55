package io.dragoman.gateway.routing;

/**
 * A regex or substitution that cannot be compiled. The parser validates regexes first, so the builder only sees this
 * for objects built some other way; it turns it into a {@code ConfigError} and leaves the Mapping out.
 */
final class InvalidRegexException extends RuntimeException {
  private final String field;

  /** @param detail the value and what was expected, e.g. {@code "a(" (expected: a valid RE2 regex; ...)} */
  InvalidRegexException(String field, String detail) {
    super(detail, null, false, false);
    this.field = field;
  }

  String field() {
    return field;
  }
}
