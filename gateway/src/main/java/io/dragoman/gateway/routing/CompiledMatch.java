package io.dragoman.gateway.routing;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.MatchSpec;
import java.util.List;

/**
 * A {@link MatchSpec} with its regexes compiled once, tested against a request. Regexes must match the whole value
 * (RE2, linear time); header and query values compare case-sensitively, the host case-insensitively.
 */
final class CompiledMatch {
  private static final String META = "\\.[]{}()*+?^$|";
  private static final String QUANTIFIERS = "*+?{";

  private static final CompiledCondition[] NO_CONDITIONS = new CompiledCondition[0];

  private final MatchSpec spec;
  // Copies of what every lookup reads, so that testing a candidate touches this object and little else: at 10,000
  // Mappings each extra object visited is a likely cache miss.
  private final String prefix;
  private final boolean caseSensitive;
  private final boolean prefixExact;
  private final String method; // null: any
  private final String host; // null: any
  private final Pattern pathPattern;
  private final Pattern methodPattern;
  private final Pattern hostPattern;
  private final CompiledCondition[] headers;
  private final CompiledCondition[] queryParameters;

  private CompiledMatch(
      MatchSpec spec,
      Pattern pathPattern,
      Pattern methodPattern,
      Pattern hostPattern,
      CompiledCondition[] headers,
      CompiledCondition[] queryParameters) {
    this.spec = spec;
    this.prefix = spec.prefix();
    this.caseSensitive = spec.caseSensitive();
    this.prefixExact = spec.prefixExact();
    this.method = spec.method().isEmpty() ? null : spec.method();
    this.host = spec.host().isEmpty() ? null : spec.host();
    this.pathPattern = pathPattern;
    this.methodPattern = methodPattern;
    this.hostPattern = hostPattern;
    this.headers = headers;
    this.queryParameters = queryParameters;
  }

  /**
   * Compiles every regex of {@code spec}.
   *
   * @throws InvalidRegexException naming the field whose regex does not compile
   */
  static CompiledMatch compile(MatchSpec spec) {
    int pathFlags = spec.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE;
    Pattern path = spec.prefixRegex() ? regex("prefix", spec.prefix(), pathFlags) : null;
    Pattern method = spec.methodRegex() ? regex("method_regex", spec.method(), 0) : null;
    Pattern host = spec.hostRegex() ? regex("host_regex", spec.host(), 0) : null;
    return new CompiledMatch(
        spec,
        path,
        method,
        host,
        conditions("regex_headers", spec.headers()),
        conditions("regex_query_parameters", spec.queryParameters()));
  }

  MatchSpec spec() {
    return spec;
  }

  /**
   * A string every path this route matches starts with, for the prefix index; null when there is none to rely on
   * (case-insensitive paths). For a regex it is the literal text before the first metacharacter.
   */
  String indexKey() {
    if (!spec.caseSensitive()) return null;
    return spec.prefixRegex() ? literalPrefix(spec.prefix()) : spec.prefix();
  }

  /**
   * The literal start of a regex: characters up to the first metacharacter, minus the last one when a quantifier
   * follows it ({@code /ab*} gives {@code /a}). A regex with {@code |} anywhere gives "" because a top-level
   * alternation has no common start.
   */
  static String literalPrefix(String regex) {
    if (regex.indexOf('|') >= 0) return "";
    int start = regex.startsWith("^") ? 1 : 0;
    int end = start;
    while (end < regex.length() && META.indexOf(regex.charAt(end)) < 0) end++;
    if (end < regex.length() && QUANTIFIERS.indexOf(regex.charAt(end)) >= 0 && end > start) end--;
    return regex.substring(start, end);
  }

  boolean matches(RequestView request) {
    return pathMatches(request.path()) && matchesBeyondPath(request);
  }

  /**
   * The path test is a case-sensitive comparison with {@link #indexKey()}: when the index found the path under that
   * key, the path needs no second look.
   */
  boolean literalPath() {
    return pathPattern == null && caseSensitive;
  }

  /** No condition but the path. */
  boolean pathOnly() {
    return method == null && host == null && headers.length == 0 && queryParameters.length == 0;
  }

  /** Every condition but the path. */
  boolean matchesBeyondPath(RequestView request) {
    return methodMatches(request.method())
        && hostMatches(request.host())
        && headersMatch(request)
        && queryMatches(request);
  }

  private boolean pathMatches(String path) {
    if (pathPattern != null) return pathPattern.matches(path);
    if (prefixExact) return caseSensitive ? path.equals(prefix) : path.equalsIgnoreCase(prefix);
    return path.regionMatches(!caseSensitive, 0, prefix, 0, prefix.length());
  }

  private boolean methodMatches(String requested) {
    if (method == null) return true;
    return methodPattern != null ? methodPattern.matches(requested) : method.equals(requested);
  }

  private boolean hostMatches(String requested) {
    if (host == null) return true;
    return hostPattern != null ? hostPattern.matches(requested) : host.equalsIgnoreCase(requested);
  }

  private boolean headersMatch(RequestView request) {
    for (CompiledCondition c : headers) {
      if (!c.test(request.header(c.name))) return false;
    }
    return true;
  }

  private boolean queryMatches(RequestView request) {
    for (CompiledCondition c : queryParameters) {
      if (!c.test(request.queryParameter(c.name))) return false;
    }
    return true;
  }

  private static CompiledCondition[] conditions(String field, List<Condition> conditions) {
    if (conditions.isEmpty()) return NO_CONDITIONS;
    CompiledCondition[] out = new CompiledCondition[conditions.size()];
    for (int i = 0; i < out.length; i++) {
      Condition c = conditions.get(i);
      Pattern p = c.kind() == Condition.Kind.REGEX ? regex(field + "." + c.name(), c.value(), 0) : null;
      out[i] = new CompiledCondition(c.name(), c.kind(), c.value(), p);
    }
    return out;
  }

  static Pattern regex(String field, String regex, int flags) {
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw new InvalidRegexException(
          field, "\"" + regex + "\" (expected: a valid RE2 regex; " + e.getDescription() + ")");
    }
  }

  private static final class CompiledCondition {
    final String name;
    final Condition.Kind kind;
    final String value;
    final Pattern pattern;

    CompiledCondition(String name, Condition.Kind kind, String value, Pattern pattern) {
      this.name = name;
      this.kind = kind;
      this.value = value;
      this.pattern = pattern;
    }

    boolean test(String actual) {
      if (actual == null) return false;
      switch (kind) {
        case PRESENT:
          return true;
        case EXACT:
          return value.equals(actual);
        default:
          return pattern.matches(actual);
      }
    }
  }
}
