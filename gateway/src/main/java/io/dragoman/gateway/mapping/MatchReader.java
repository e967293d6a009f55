package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the attributes that decide whether a request matches a Mapping. */
final class MatchReader {
  static final Set<String> KEYS =
      Set.of(
          "prefix", "prefix_regex", "prefix_exact", "case_sensitive", "method", "method_regex", "headers",
          "regex_headers", "host", "host_regex", "hostname", "query_parameters", "regex_query_parameters",
          "precedence");
  private static final Pattern METHOD = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Z-]+");
  private static final Pattern HOSTNAME_GLOB = Pattern.compile("(\\*\\.)?[A-Za-z0-9_.:-]+(\\.\\*)?");

  private MatchReader() {}

  static Optional<MatchSpec> read(Fields f) {
    boolean prefixRegex = f.bool("prefix_regex", false);
    boolean prefixExact = f.bool("prefix_exact", false);
    if (prefixRegex && prefixExact) {
      f.problems().invalid(f.field("prefix_exact"), true, "not together with prefix_regex: true");
    }
    Optional<String> prefix = prefix(f, prefixRegex);
    boolean methodRegex = f.bool("method_regex", false);
    String method = method(f, methodRegex);
    List<Condition> headers = new ArrayList<>(HeaderReader.exactConditions(f, "headers", HeaderReader.Target.HEADER));
    headers.addAll(HeaderReader.regexConditions(f, "regex_headers", HeaderReader.Target.HEADER));
    List<Condition> query =
        new ArrayList<>(HeaderReader.exactConditions(f, "query_parameters", HeaderReader.Target.QUERY));
    query.addAll(HeaderReader.regexConditions(f, "regex_query_parameters", HeaderReader.Target.QUERY));
    boolean hostRegex = f.bool("host_regex", false);
    Host host = host(f, hostRegex);
    int precedence = (int) f.integer("precedence", Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer").orElse(0);
    boolean caseSensitive = f.bool("case_sensitive", true);
    return prefix.map(
        p -> new MatchSpec(
            p, prefixRegex, prefixExact, caseSensitive, method, methodRegex, headers, host.value, host.regex, query,
            precedence));
  }

  private static Optional<String> prefix(Fields f, boolean regex) {
    String expected = regex ? "an RE2 regex over the path" : "a path starting with /";
    Optional<String> prefix = f.string("prefix", expected);
    if (!f.has("prefix")) {
      f.problems().missing(f.field("prefix"), expected);
      return Optional.empty();
    }
    if (prefix.isEmpty()) return prefix;
    if (prefix.get().isEmpty()) {
      f.problems().invalid(f.field("prefix"), "", expected);
      return Optional.empty();
    }
    if (regex) return prefix.filter(p -> Fields.checkRegex(f.problems(), f.field("prefix"), p));
    if (!prefix.get().startsWith("/")) {
      f.problems().invalid(f.field("prefix"), prefix.get(), expected);
      return Optional.empty();
    }
    return prefix;
  }

  private static String method(Fields f, boolean regex) {
    if (regex) return f.regex("method").orElse("");
    String method = f.string("method", "an HTTP method such as GET").orElse("").toUpperCase(Locale.ROOT);
    if (f.has("method") && !METHOD.matcher(method).matches() && f.raw("method") instanceof String) {
      f.problems().invalid(f.field("method"), f.raw("method"), "an HTTP method such as GET");
      return "";
    }
    return method;
  }

  private record Host(String value, boolean regex) {}

  /**
   * {@code host} (exact, or an RE2 regex with {@code host_regex: true}) or Emissary's {@code hostname}: an exact
   * name, {@code *} for any host, or a glob with a leading {@code *.} or trailing {@code .*}, turned into a regex.
   */
  private static Host host(Fields f, boolean regex) {
    if (f.has("host") && f.has("hostname")) {
      f.problems().invalid(f.field("hostname"), f.raw("hostname"), "not together with host");
      return new Host("", false);
    }
    if (f.has("hostname")) return hostname(f, regex);
    if (regex) return new Host(f.regex("host").orElse(""), f.has("host"));
    String host = f.string("host", "a host name").orElse("").toLowerCase(Locale.ROOT);
    return new Host(host, false);
  }

  private static Host hostname(Fields f, boolean regex) {
    if (regex) f.problems().invalid(f.field("host_regex"), true, "only with host, not hostname (a glob)");
    String glob = f.string("hostname", "a host name or a glob such as *.example.com").orElse("");
    if (glob.isEmpty() || glob.equals("*")) return new Host("", false);
    if (!HOSTNAME_GLOB.matcher(glob).matches()) {
      f.problems().invalid(f.field("hostname"), glob, "a host name or a glob with a leading *. or trailing .*");
      return new Host("", false);
    }
    String lower = glob.toLowerCase(Locale.ROOT);
    if (!lower.contains("*")) return new Host(lower, false);
    String re = escape(lower).replace("\\*\\.", ".+\\.").replace("\\.\\*", "\\..+");
    return new Host(re, true);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) sb.append('\\');
      sb.append(c);
    }
    return sb.toString();
  }
}
