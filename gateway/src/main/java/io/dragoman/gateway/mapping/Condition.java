package io.dragoman.gateway.mapping;

import java.util.Locale;
import java.util.Objects;

/**
 * One header or query-parameter condition of a Mapping. Header names are stored lower case (they compare
 * case-insensitively); query parameter names as written. {@code value} is "" for {@link Kind#PRESENT}.
 */
public record Condition(String name, Kind kind, String value) implements Comparable<Condition> {
  public enum Kind {
    /** the header or parameter must be present, any value ({@code value: true} in YAML) */
    PRESENT,
    /** the value must equal {@code value} exactly (case-sensitive) */
    EXACT,
    /** the value must fully match the RE2 regex {@code value} */
    REGEX
  }

  public Condition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: \"\" (expected: a non-empty name)");
    }
  }

  public static Condition header(String name, Kind kind, String value) {
    return new Condition(name.toLowerCase(Locale.ROOT), kind, value);
  }

  /** How much this condition constrains a request: the name's length plus the value's (MAPPING.md ordering rule 3). */
  public int weight() {
    return name.length() + value.length();
  }

  @Override
  public int compareTo(Condition o) {
    int c = name.compareTo(o.name);
    if (c != 0) return c;
    c = kind.compareTo(o.kind);
    return c != 0 ? c : value.compareTo(o.value);
  }
}
