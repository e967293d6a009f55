package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reads a {@code cors} block, on a Mapping or in the {@code ambassador} Module's config. */
final class CorsReader {
  static final Set<String> KEYS =
      Set.of("origins", "methods", "headers", "credentials", "exposed_headers", "max_age");

  private CorsReader() {}

  static Optional<Cors> read(Fields f, String key) {
    Optional<Fields> block = f.block(key, "a map with origins, methods, headers, credentials, exposed_headers, max_age");
    if (block.isEmpty()) return Optional.empty();
    Fields c = block.get();
    c.rejectUnknown(KEYS, Set.of());
    List<String> methods = new ArrayList<>();
    for (String m : list(c, "methods")) methods.add(m.toUpperCase(Locale.ROOT));
    return Optional.of(
        new Cors(
            list(c, "origins"),
            methods,
            list(c, "headers"),
            c.bool("credentials", false),
            list(c, "exposed_headers"),
            maxAge(c)));
  }

  /** Ambassador accepts both a comma-separated string and a list; both become a trimmed list without blanks. */
  private static List<String> list(Fields c, String key) {
    Object v = c.raw(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (v instanceof String s) {
      for (String part : s.split(",")) addTrimmed(out, part);
    } else if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
      for (Object e : l) addTrimmed(out, (String) e);
    } else {
      c.problems().invalid(c.field(key), v, "a comma-separated string or a list of strings");
    }
    return out;
  }

  private static void addTrimmed(List<String> out, String s) {
    if (!s.isBlank()) out.add(s.trim());
  }

  /** Seconds, as an integer or (as Ambassador's examples write it) a numeric string. */
  private static OptionalLong maxAge(Fields c) {
    Object v = c.raw("max_age");
    if (v instanceof String s && s.trim().matches("\\d{1,12}")) return OptionalLong.of(Long.parseLong(s.trim()));
    if (v instanceof String s) {
      c.problems().invalid(c.field("max_age"), s, "integer seconds");
      return OptionalLong.empty();
    }
    return c.integer("max_age", 0, Long.MAX_VALUE, "integer seconds");
  }
}
