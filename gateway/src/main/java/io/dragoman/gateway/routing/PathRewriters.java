package io.dragoman.gateway.routing;

import com.google.re2j.Pattern;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.RegexRewrite;

/**
 * Compiles a Mapping's rewrite into a {@link PathRewriter}, by these rules, first that applies:
 *
 * <ol>
 *   <li>{@code regex_rewrite}: RE2 substitution of every match over the path; {@code \1}..{@code \9} are groups,
 *       {@code \\} is a backslash, everything else is literal.
 *   <li>{@code prefix_regex} or {@code prefix_exact}: a non-empty {@code rewrite} replaces the whole path; ""
 *       keeps it.
 *   <li>plain prefix: {@code rewrite: ""} keeps the path; otherwise the first {@code prefix.length()} characters of
 *       the path (the matched prefix, whatever its case) are replaced by {@code rewrite}.
 * </ol>
 *
 * <p>A result that does not start with {@code /} gets one prepended (prefix {@code /foo/}, rewrite {@code bar},
 * path {@code /foo/x} forwards {@code /barx}), because an upstream request line must carry an absolute path.
 */
final class PathRewriters {
  private PathRewriters() {}

  /** @throws InvalidRegexException when the {@code regex_rewrite} pattern or substitution is invalid */
  static PathRewriter compile(Mapping mapping) {
    if (mapping.forward().regexRewrite().isPresent()) {
      return regex(mapping.forward().regexRewrite().get());
    }
    MatchSpec match = mapping.match();
    String rewrite = mapping.forward().rewrite();
    if (rewrite.isEmpty()) return path -> path;
    if (match.prefixRegex() || match.prefixExact()) {
      String whole = absolute(rewrite);
      return path -> whole;
    }
    int matched = match.prefix().length();
    return path -> absolute(rewrite + path.substring(Math.min(matched, path.length())));
  }

  private static PathRewriter regex(RegexRewrite rr) {
    Pattern pattern = CompiledMatch.regex("regex_rewrite.pattern", rr.pattern(), 0);
    String replacement = toRe2jReplacement(rr.substitution(), pattern.groupCount());
    return path -> absolute(pattern.matcher(path).replaceAll(replacement));
  }

  /**
   * Translates Envoy's substitution syntax into re2j's: {@code \N} becomes {@code $N}; every literal digit,
   * {@code $} and backslash is escaped so that {@code \1} followed by {@code 0} never reads as group 10.
   */
  static String toRe2jReplacement(String substitution, int groupCount) {
    StringBuilder out = new StringBuilder(substitution.length() + 8);
    for (int i = 0; i < substitution.length(); i++) {
      char c = substitution.charAt(i);
      if (c == '\\' && i + 1 < substitution.length()) {
        char next = substitution.charAt(++i);
        if (next >= '0' && next <= '9') {
          int group = next - '0';
          if (group > groupCount) {
            throw new InvalidRegexException(
                "regex_rewrite.substitution",
                "\"" + substitution + "\" (expected: groups up to \\" + groupCount + "; found \\" + group + ")");
          }
          out.append('$').append(next);
          continue;
        }
        c = next;
      }
      if (c == '\\' || c == '$' || (c >= '0' && c <= '9')) out.append('\\');
      out.append(c);
    }
    return out.toString();
  }

  private static String absolute(String path) {
    return path.startsWith("/") ? path : "/" + path;
  }
}
