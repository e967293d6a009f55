package io.dragoman.gateway.mapping;

import com.google.re2j.Pattern;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed, validating reads of one YAML map (an object's attributes, or a block such as {@code retry_policy}). Every
 * read that fails records a problem under the field's full dotted name and returns empty, so a caller reads all its
 * fields and reports every problem. A {@code null} value (a key written with nothing after it) counts as absent.
 */
final class Fields {
  static final int MAX_REGEX_CHARS = 1024;

  private final Map<?, ?> map;
  private final String path;
  private final Problems problems;

  Fields(Map<?, ?> map, String path, Problems problems) {
    this.map = map;
    this.path = path;
    this.problems = problems;
  }

  Problems problems() {
    return problems;
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  Object raw(String key) {
    return map.get(key);
  }

  Map<?, ?> map() {
    return map;
  }

  Optional<String> string(String key, String expected) {
    Object v = map.get(key);
    if (v == null) return Optional.empty();
    if (v instanceof String s) return Optional.of(s);
    problems.invalid(field(key), v, expected);
    return Optional.empty();
  }

  Optional<Boolean> bool(String key) {
    Object v = map.get(key);
    if (v == null) return Optional.empty();
    if (v instanceof Boolean b) return Optional.of(b);
    problems.invalid(field(key), v, "true or false");
    return Optional.empty();
  }

  boolean bool(String key, boolean dflt) {
    return bool(key).orElse(dflt);
  }

  /**
   * An integer in {@code [min, max]}. {@code expected} describes the type ("integer milliseconds"); a value out of
   * range is reported as {@code >= min} or {@code min-max}.
   */
  OptionalLong integer(String key, long min, long max, String expected) {
    Object v = map.get(key);
    if (v == null) return OptionalLong.empty();
    OptionalLong n = asLong(v);
    if (n.isEmpty()) {
      problems.invalid(field(key), v, expected);
      return OptionalLong.empty();
    }
    long value = n.getAsLong();
    if (value < min || value > max) {
      problems.invalid(field(key), v, range(value, min, max));
      return OptionalLong.empty();
    }
    return n;
  }

  /** "0-100" for a small range; for a bound that only guards the type's size, just the bound that was crossed. */
  private static String range(long value, long min, long max) {
    boolean small = Math.abs(min) < 1_000_000 && Math.abs(max) < 1_000_000;
    if (small) return min + "-" + max;
    return value < min ? ">= " + min : "<= " + max;
  }

  /** A non-negative count of milliseconds. */
  OptionalLong millis(String key) {
    return integer(key, 0, Long.MAX_VALUE, "integer milliseconds");
  }

  static OptionalLong asLong(Object v) {
    if (v instanceof Integer || v instanceof Long) return OptionalLong.of(((Number) v).longValue());
    if (v instanceof BigInteger b && b.bitLength() < 64) return OptionalLong.of(b.longValue());
    return OptionalLong.empty();
  }

  Optional<Map<?, ?>> map(String key, String expected) {
    Object v = map.get(key);
    if (v == null) return Optional.empty();
    if (v instanceof Map<?, ?> m) return Optional.of(m);
    problems.invalid(field(key), v, expected);
    return Optional.empty();
  }

  /** A nested block read with the same rules, its fields named {@code key.sub}. */
  Optional<Fields> block(String key, String expected) {
    return map(key, expected).map(m -> new Fields(m, field(key), problems));
  }

  /** One string or a list of strings (header names, protocols). */
  Optional<List<String>> stringList(String key) {
    Object v = map.get(key);
    if (v == null) return Optional.empty();
    if (v instanceof String s) return Optional.of(List.of(s));
    if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
      List<String> out = new ArrayList<>();
      for (Object e : l) out.add((String) e);
      return Optional.of(out);
    }
    problems.invalid(field(key), v, "a string or a list of strings");
    return Optional.empty();
  }

  /** A string that must compile as an RE2 regex. */
  Optional<String> regex(String key) {
    return string(key, "an RE2 regex string").filter(re -> checkRegex(problems, field(key), re));
  }

  /** Compiles {@code re} with RE2 (linear time, no backtracking) and refuses over-long patterns. */
  static boolean checkRegex(Problems problems, String field, String re) {
    if (re.length() > MAX_REGEX_CHARS) {
      problems.invalid(field, re, "an RE2 regex of at most " + MAX_REGEX_CHARS + " characters");
      return false;
    }
    if (RegexSize.estimate(re) > RegexSize.MAX) {
      problems.invalid(field, re, "an RE2 regex that compiles to at most " + RegexSize.MAX
          + " instructions (nested counted repetitions multiply)");
      return false;
    }
    try {
      Pattern.compile(re);
      return true;
    } catch (RuntimeException e) {
      problems.invalid(field, re, "an RE2 regex: " + e.getMessage());
      return false;
    }
  }

  /** Reports every key of this map that is neither in {@code known} nor in {@code ignored}. */
  void rejectUnknown(Collection<String> known, Collection<String> ignored) {
    for (Object key : map.keySet()) {
      if (key instanceof String k && (known.contains(k) || ignored.contains(k))) continue;
      String name = key instanceof String k ? k : Render.value(key);
      String hint = key instanceof String k ? Suggest.closest(k, known) : "";
      problems.add(
          field(name),
          field(name) + ": unknown attribute (expected: "
              + (hint.isEmpty() ? knownList(known) : "\"" + hint + "\"?") + ")");
    }
  }

  /** Small blocks list their keys; an object's long attribute list is in the reference instead. */
  private static String knownList(Collection<String> known) {
    return known.size() <= 8
        ? "one of " + String.join(", ", known.stream().sorted().toList())
        : "an attribute listed in docs/mapping-reference.md";
  }
}
