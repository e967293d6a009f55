package io.dragoman.gateway.routing;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.MatchSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  private final String prefix; // for a regex split in two, its literal start
  private final boolean caseSensitive;
  private final boolean prefixExact;
  private final String method; // null: any
  private final String host; // null: any
  private final Pattern pathPattern; // a regex prefix, whole
  private final Pattern tailPattern; // a regex prefix split in two: what follows its literal start
  private final Pattern methodPattern;
  private final Pattern hostPattern;
  private final CompiledCondition[] headers;
  private final CompiledCondition[] queryParameters;

  private CompiledMatch(
      MatchSpec spec,
      String prefix,
      Pattern pathPattern,
      Pattern tailPattern,
      Pattern methodPattern,
      Pattern hostPattern,
      CompiledCondition[] headers,
      CompiledCondition[] queryParameters) {
    this.spec = spec;
    this.prefix = prefix;
    this.caseSensitive = spec.caseSensitive();
    this.prefixExact = spec.prefixExact();
    this.method = spec.method().isEmpty() ? null : spec.method();
    this.host = spec.host().isEmpty() ? null : spec.host();
    this.pathPattern = pathPattern;
    this.tailPattern = tailPattern;
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
    return compile(spec, new HashMap<>());
  }

  /**
   * Compiles every regex of {@code spec}. A regex prefix with a literal start is kept as that start and the regex
   * of the rest, taken from (and added to) {@code tails}: routes that differ only in their literal start, such as
   * {@code /re-<i>/[a-z]+/.*}, then share one compiled tail, which stays in the cache however many there are.
   *
   * @param tails the tails compiled so far in this build, by regex
   * @throws InvalidRegexException naming the field whose regex does not compile
   */
  static CompiledMatch compile(MatchSpec spec, Map<String, Pattern> tails) {
    int pathFlags = spec.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE;
    Pattern path = spec.prefixRegex() ? regex("prefix", spec.prefix(), pathFlags) : null;
    Pattern method = spec.methodRegex() ? regex("method_regex", spec.method(), 0) : null;
    Pattern host = spec.hostRegex() ? regex("host_regex", spec.host(), 0) : null;
    String tailRegex = tailRegex(spec);
    Pattern tail = tailRegex == null ? null : tails.computeIfAbsent(tailRegex, CompiledMatch::tailOrNull);
    return new CompiledMatch(
        spec,
        tail == null ? spec.prefix() : literalPrefix(spec.prefix()),
        tail == null ? path : null,
        tail,
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
    return regex.substring(literalStart(regex), literalEnd(regex));
  }

  private static int literalStart(String regex) {
    return regex.startsWith("^") ? 1 : 0;
  }

  private static int literalEnd(String regex) {
    int start = literalStart(regex);
    if (regex.indexOf('|') >= 0) return start;
    int end = start;
    while (end < regex.length() && META.indexOf(regex.charAt(end)) < 0) end++;
    if (end == start || !quantified(regex, end)) return end;
    end--;
    // a quantifier repeats the whole code point: keep the pair out of the start together
    if (end > start && Character.isSurrogatePair(regex.charAt(end - 1), regex.charAt(end))) end--;
    return end;
  }

  /**
   * Whether a quantifier applies to the character before {@code at}: one follows it directly or after flag groups
   * such as {@code (?s)} or empty {@code \Q\E} quotes, which RE2 passes over ({@code /a(?s)*} is {@code /a*}).
   */
  private static boolean quantified(String regex, int at) {
    while (true) {
      if (regex.startsWith("\\Q\\E", at)) {
        at += 4;
      } else if (regex.startsWith("(?", at) && flagGroupEnd(regex, at + 2) > 0) {
        at = flagGroupEnd(regex, at + 2) + 1;
      } else {
        return at < regex.length() && QUANTIFIERS.indexOf(regex.charAt(at)) >= 0;
      }
    }
  }

  /** The index of the {@code )} closing a group of flags only that starts at {@code from}; else -1. */
  private static int flagGroupEnd(String regex, int from) {
    for (int i = from; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == ')') return i;
      if (!Character.isLetter(c) && c != '-') return -1;
    }
    return -1;
  }

  /**
   * The regex after the literal start of a case-sensitive regex prefix, when matching it against the rest of a path
   * that begins with that start is the same as matching the whole regex against the path; else null. Not when
   * there is no start, when the split would cut a surrogate pair, or when the rest could look back across the split
   * ({@code ^}, even in {@code [^...]}, {@code \A}, {@code \b}, {@code \B}); a top-level {@code |} gives no start.
   */
  static String tailRegex(MatchSpec spec) {
    if (!spec.prefixRegex() || !spec.caseSensitive()) return null;
    String regex = spec.prefix();
    int start = literalStart(regex);
    int end = literalEnd(regex);
    if (end == start || Character.isHighSurrogate(regex.charAt(end - 1))) return null;
    String tail = regex.substring(end);
    boolean looksBack =
        tail.indexOf('^') >= 0 || tail.contains("\\A") || tail.contains("\\b") || tail.contains("\\B");
    return looksBack ? null : tail;
  }

  boolean matches(RequestView request) {
    return pathMatches(request.path()) && matchesBeyondPath(request);
  }

  /**
   * {@link #matches}, for a request whose path the index found under {@link #indexKey()}: it begins with the key
   * (equals it, for an exact path), which a literal prefix needs no second look to trust.
   */
  boolean matchesUnderKey(RequestView request) {
    if (tailPattern != null) {
      if (!tailPattern.matches(request.path().substring(prefix.length()))) return false;
    } else if (pathPattern != null && !pathPattern.matches(request.path())) {
      return false;
    }
    return matchesBeyondPath(request);
  }

  /** Whether a path found under {@link #indexKey()} matches, with nothing else to test. */
  boolean decidedByKey() {
    return pathPattern == null && tailPattern == null && caseSensitive
        && method == null && host == null && headers.length == 0 && queryParameters.length == 0;
  }

  private boolean matchesBeyondPath(RequestView request) {
    return methodMatches(request.method())
        && hostMatches(request.host())
        && headersMatch(request)
        && queryMatches(request);
  }

  private boolean pathMatches(String path) {
    if (tailPattern != null) return path.startsWith(prefix) && tailPattern.matches(path.substring(prefix.length()));
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

  /** A tail of a regex that compiled should compile too; if not, the whole regex is kept instead. */
  private static Pattern tailOrNull(String tailRegex) {
    try {
      return Pattern.compile(tailRegex);
    } catch (PatternSyntaxException e) {
      return null;
    }
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
      // a copy made here, beside this condition, so that testing it reads memory next to its match rather than the
      // parsed spec's string, wherever that was allocated (at 10,000 Mappings, two cache misses a test)
      this.value = new String(value.toCharArray());
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
