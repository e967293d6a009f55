package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A regex prefix is indexed under its literal start and, when split, matched as that start plus its compiled rest;
 * both must agree with the whole regex compiled by RE2J. The regexes are random strings of RE2 pieces that are
 * awkward next to a literal run (quantifiers, flag groups, quotes, assertions, surrogate pairs), so they explore
 * where the literal start ends rather than what the rest matches.
 */
class RegexSplitPropertyTest {
  private static final String[] PIECES = {"/", "a", "b", "A", "x", "\uD83D\uDE00", "\u00e9", "\uD83D", "\uDE00",
      ".", "*", "+", "?", "*?", "{0}", "{1,2}", "{", "}", "]", "-", " ", "\n", "$", "\\z", "\\b", "\\B", "^", "\\A",
      "(?i)", "(?s)", "(?m)", "(?U)", "(?-s)", "(?i)(?-i)", "(", ")", "(?:", "(?P<n>", "(?i:", "|",
      "[^a]", "[a-b]", "[[:alpha:]]", "\\pL", "\\d", "\\.", "\\/", "\\n", "\\x{1F600}",
      "\\Q*\\E", "\\Q", "\\E", "\\Q\\E", "\\Qa\\E"};
  private static final String[] PATH_CHARS = {"/", "a", "b", "A", "B", "x", "1", "-", " ", "\n", ".", "*", "]", "}",
      "{", "$", "\u00e9", "\uD83D", "\uDE00"};

  @Test
  void aRegexAloneMatchesWhatItsWholeCompileMatches() {
    Random random = new Random(42);
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < 40_000 && wrong.size() < 10; n++) {
      String regex = (random.nextInt(3) == 0 ? "^/" : "/") + pieces(random, 1 + random.nextInt(6));
      Pattern whole = compiles(regex);
      if (whole == null) continue;
      RouteTable table = Fixtures.build(Fixtures.mapping("m", "/x").match(Spec.of(regex).regex().build()).build());
      assertThat(table.errors()).as(regex).isEmpty();
      Set<String> paths = new LinkedHashSet<>();
      for (int cut = 0; cut <= regex.length(); cut++) paths.add(regex.substring(0, cut));
      paths.add(literalChars(regex));
      for (int j = 0; j < 150; j++) paths.add((j % 2 == 0 ? "/" : "") + randomPath(random));
      for (String path : paths) {
        if (whole.matches(path) != (table.match(Request.get(path)) != null)) {
          wrong.add(regex + " on " + path + ": whole regex matches " + whole.matches(path));
          break;
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aTableOfRegexesAndPrefixesAgreesWithALinearScan() {
    Random random = new Random(7);
    Map<String, Pattern> compiled = new HashMap<>();
    for (int t = 0; t < 800; t++) {
      List<Mapping> mappings = new ArrayList<>();
      List<String> regexes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String regex = "/" + pieces(random, 1 + random.nextInt(4));
        if (compiles(regex) == null) continue;
        regexes.add(regex);
        Spec spec = Spec.of(regex).regex().precedence(random.nextInt(2));
        if (random.nextInt(4) == 0) spec.exact();
        mappings.add(Fixtures.mapping("r" + i, "/x").match(spec.build()).build());
        String plain = literalChars(regex);
        if (plain.isEmpty()) continue;
        Spec literal = Spec.of(plain);
        if (random.nextBoolean()) literal.exact();
        if (random.nextInt(3) == 0) literal.method("POST");
        mappings.add(Fixtures.mapping("p" + i, "/x").match(literal.build()).build());
      }
      if (regexes.isEmpty()) continue;
      RouteTable table = Fixtures.build(mappings.toArray(new Mapping[0]));
      assertThat(table.errors()).isEmpty();
      for (int j = 0; j < 300; j++) {
        String path = (random.nextInt(5) == 0 ? "" : "/") + randomPath(random);
        if (random.nextInt(3) == 0) {
          String regex = regexes.get(random.nextInt(regexes.size()));
          path = literalChars(regex.substring(0, random.nextInt(regex.length() + 1)));
        }
        Request request = Request.get(path).method(random.nextInt(4) == 0 ? "POST" : "GET");
        assertThat(table.match(request)).as("%s on %s", regexes, path)
            .isSameAs(linearScan(table.groups(), request, compiled));
      }
    }
  }

  private static String pieces(Random random, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) sb.append(PIECES[random.nextInt(PIECES.length)]);
    return sb.toString();
  }

  private static String randomPath(Random random) {
    StringBuilder sb = new StringBuilder();
    int length = random.nextInt(7);
    for (int i = 0; i < length; i++) sb.append(PATH_CHARS[random.nextInt(PATH_CHARS.length)]);
    return sb.toString();
  }

  /** The regex's plain characters: a path that shares its literal start, and often matches. */
  private static String literalChars(String regex) {
    return regex.replaceAll("[^/abAx\u00e9\uD83D\uDE00]", "");
  }

  private static Pattern compiles(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static RouteGroup linearScan(List<RouteGroup> groups, Request r, Map<String, Pattern> compiled) {
    for (RouteGroup g : groups) {
      MatchSpec s = g.match();
      if (!s.method().isEmpty() && !s.method().equals(r.method())) continue;
      String path = r.path();
      boolean pathOk = s.prefixRegex()
          ? compiled.computeIfAbsent(s.prefix(), Pattern::compile).matches(path)
          : s.prefixExact() ? path.equals(s.prefix()) : path.startsWith(s.prefix());
      if (pathOk) return g;
    }
    return null;
  }
}
