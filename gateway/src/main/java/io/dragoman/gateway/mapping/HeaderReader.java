package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the header and query-parameter blocks: match conditions, headers to add, header names to remove. */
final class HeaderReader {
  /** An RFC 9110 token (plus a leading ':' so pseudo-headers such as {@code :authority} can be matched). */
  private static final Pattern HEADER_NAME = Pattern.compile(":?[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> VALUE_KEYS = Set.of("value", "append");
  /**
   * Headers that frame the message or belong to the connection: the gateway writes them from what it relays, and a
   * Mapping that set one could make the gateway and its peer disagree on where a message ends.
   */
  private static final List<String> GATEWAY_OWNED_ORDER = List.of("content-length", "transfer-encoding",
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade");
  private static final Set<String> GATEWAY_OWNED = Set.copyOf(GATEWAY_OWNED_ORDER);

  private HeaderReader() {}

  enum Target {
    HEADER,
    QUERY
  }

  /**
   * {@code headers} / {@code query_parameters}: name to exact value, or to {@code true} for "present". Numbers are
   * refused rather than coerced: YAML turns {@code 010} into 8 and {@code 1.10} into 1.1, and a condition silently
   * comparing against a mangled value is worse than an error.
   */
  static List<Condition> exactConditions(Fields f, String key, Target target) {
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : entries(f, key)) {
      Optional<String> name = conditionName(f, key, e.getKey(), target);
      if (name.isEmpty()) continue;
      String field = f.field(key) + "." + name.get();
      Object v = e.getValue();
      if (v instanceof String s) {
        out.add(condition(target, name.get(), Condition.Kind.EXACT, s));
      } else if (Boolean.TRUE.equals(v)) {
        out.add(condition(target, name.get(), Condition.Kind.PRESENT, ""));
      } else {
        f.problems().invalid(field, v, "a string (quote numbers) or true for \"present\"");
      }
    }
    return out;
  }

  /** {@code regex_headers} / {@code regex_query_parameters}: name to an RE2 regex the whole value must match. */
  static List<Condition> regexConditions(Fields f, String key, Target target) {
    List<Condition> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : entries(f, key)) {
      Optional<String> name = conditionName(f, key, e.getKey(), target);
      if (name.isEmpty()) continue;
      String field = f.field(key) + "." + name.get();
      if (!(e.getValue() instanceof String re)) {
        f.problems().invalid(field, e.getValue(), "an RE2 regex string");
      } else if (Fields.checkRegex(f.problems(), field, re)) {
        out.add(condition(target, name.get(), Condition.Kind.REGEX, re));
      }
    }
    return out;
  }

  /**
   * {@code add_request_headers} / {@code add_response_headers}: name to a value (numbers and booleans become their
   * text, as Ambassador does) or to {@code {value, append}}. {@code append} defaults to true, as in Emissary.
   */
  static List<HeaderValue> headersToAdd(Fields f, String key) {
    List<HeaderValue> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : entries(f, key)) {
      Optional<String> name = conditionName(f, key, e.getKey(), Target.HEADER);
      if (name.isEmpty()) continue;
      if (GATEWAY_OWNED.contains(name.get().toLowerCase(Locale.ROOT))) {
        f.problems().invalid(f.field(key), name.get(), "a header the gateway does not set itself (not "
            + String.join(", ", GATEWAY_OWNED_ORDER) + ")");
        continue;
      }
      String field = f.field(key) + "." + name.get();
      Object v = e.getValue();
      Optional<String> value;
      boolean append = true;
      if (v instanceof Map<?, ?> m) {
        Fields vf = new Fields(m, field, f.problems());
        vf.rejectUnknown(VALUE_KEYS, Set.of());
        value = scalarText(vf, "value");
        append = vf.bool("append", true);
        field = vf.field("value");
      } else if (isScalar(v)) {
        value = Optional.of(String.valueOf(v));
      } else {
        f.problems().invalid(field, v, "a string or {value, append}");
        continue;
      }
      if (value.isPresent() && !isFieldValue(value.get())) {
        f.problems().invalid(field, value.get(), "a header value without control characters (CR, LF, NUL) or"
            + " characters beyond ISO-8859-1");
      } else if (value.isPresent()) {
        out.add(new HeaderValue(name.get(), value.get(), append));
      }
    }
    return out;
  }

  /** RFC 9110 field-value chars as the gateway writes them (one byte each): no controls but HTAB, nothing > U+00FF. */
  private static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) return false;
    }
    return true;
  }

  /** {@code remove_request_headers} / {@code remove_response_headers}: one name or a list of names. */
  static List<String> headerNames(Fields f, String key) {
    List<String> out = new ArrayList<>();
    for (String name : f.stringList(key).orElse(List.of())) {
      if (HEADER_NAME.matcher(name).matches()) {
        out.add(name);
      } else {
        f.problems().invalid(f.field(key), name, "a header name");
      }
    }
    return out;
  }

  private static Optional<String> scalarText(Fields vf, String key) {
    Object v = vf.raw(key);
    if (isScalar(v)) return Optional.of(String.valueOf(v));
    if (v == null) {
      vf.problems().missing(vf.field(key), "the header value");
    } else {
      vf.problems().invalid(vf.field(key), v, "a string");
    }
    return Optional.empty();
  }

  private static boolean isScalar(Object v) {
    return v instanceof String || v instanceof Number || v instanceof Boolean;
  }

  private static Iterable<? extends Map.Entry<?, ?>> entries(Fields f, String key) {
    return f.map(key, "a map of name: value").map(Map::entrySet).orElse(Set.of());
  }

  private static Optional<String> conditionName(Fields f, String key, Object name, Target target) {
    boolean ok =
        name instanceof String s
            && (target == Target.QUERY ? !s.isEmpty() : HEADER_NAME.matcher(s).matches());
    if (ok) return Optional.of((String) name);
    f.problems().invalid(f.field(key), name, target == Target.QUERY ? "a parameter name" : "a header name");
    return Optional.empty();
  }

  private static Condition condition(Target target, String name, Condition.Kind kind, String value) {
    return target == Target.HEADER ? Condition.header(name, kind, value) : new Condition(name, kind, value);
  }
}
