package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides whether a request matches a Mapping. Two Mappings with equal MatchSpecs form one canary
 * group, so conditions are kept sorted and {@code method} upper case.
 *
 * @param method "" for any method; with {@code methodRegex} an RE2 regex over the method
 * @param host "" for any host; with {@code hostRegex} an RE2 regex over the host (port excluded)
 * @param headers header conditions ({@code headers} and {@code regex_headers}), names lower case
 * @param queryParameters query conditions ({@code query_parameters} and {@code regex_query_parameters})
 */
public record MatchSpec(
    String prefix,
    boolean prefixRegex,
    boolean prefixExact,
    boolean caseSensitive,
    String method,
    boolean methodRegex,
    List<Condition> headers,
    String host,
    boolean hostRegex,
    List<Condition> queryParameters,
    int precedence) {

  public MatchSpec {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(host, "host");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix: \"\" (expected: a path prefix such as /models/)");
    }
    headers = sorted(headers);
    queryParameters = sorted(queryParameters);
  }

  /** A plain prefix match with no other condition, precedence 0. */
  public static MatchSpec prefix(String prefix) {
    return new MatchSpec(prefix, false, false, true, "", false, List.of(), "", false, List.of(), 0);
  }

  /**
   * How constrained this match is (MAPPING.md ordering rule 3): each header or query condition counts its name's
   * length plus its value's; the method counts as header {@code :method}, the host as {@code :authority}.
   */
  public int constraintWeight() {
    int w = 0;
    for (Condition c : headers) w += c.weight();
    for (Condition c : queryParameters) w += c.weight();
    if (!method.isEmpty()) w += ":method".length() + method.length();
    if (!host.isEmpty()) w += ":authority".length() + host.length();
    return w;
  }

  private static List<Condition> sorted(List<Condition> in) {
    List<Condition> copy = new ArrayList<>(Objects.requireNonNull(in));
    Collections.sort(copy);
    return List.copyOf(copy);
  }
}
