package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.Condition.Kind;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prefix index must give exactly the answer of a linear scan in table order. The scan here is written
 * independently of {@link CompiledMatch} (java.util.regex over the same simple patterns), so it also checks the
 * matching rules.
 */
class IndexedRouteMatcherPropertyTest {
  private static final String[] SEGMENTS = {"a", "b", "ab", "ba", "c", "A", "svc-1", "svc-12"};
  private static final String[] HOSTS = {"a.io", "b.io", ""};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void indexAgreesWithALinearScan(long seed) {
    Random random = new Random(seed);
    List<Mapping> mappings = new ArrayList<>();
    for (int i = 0; i < 3000; i++) mappings.add(randomMapping(random, i));
    RouteTable table = Fixtures.build(mappings.toArray(new Mapping[0]));
    assertThat(table.errors()).isEmpty();

    Map<MatchSpec, Pattern> regexCache = new HashMap<>();
    int matched = 0;
    for (int i = 0; i < 20_000; i++) {
      Request request = randomRequest(random);
      RouteGroup expected = linearScan(table.groups(), request, regexCache);
      assertThat(table.match(request)).as("%s", request).isSameAs(expected);
      if (expected != null) matched++;
    }
    // the generator must exercise both outcomes
    assertThat(matched).isBetween(5_000, 19_900);
  }

  private static Mapping randomMapping(Random random, int i) {
    Spec spec = Spec.of(randomPath(random, true));
    int shape = random.nextInt(10);
    if (shape == 0) {
      spec.prefix = regexFor(random, spec.prefix);
      spec.regex();
    } else if (shape == 1) {
      spec.exact();
    }
    if (random.nextInt(8) == 0) spec.caseInsensitive();
    if (random.nextInt(5) == 0) spec.method(random.nextBoolean() ? "GET" : "POST");
    else if (random.nextInt(20) == 0) spec.methodRegex("GET|HEAD");
    if (random.nextInt(5) == 0) {
      switch (random.nextInt(3)) {
        case 0 -> spec.header("x-a", Kind.EXACT, String.valueOf(1 + random.nextInt(2)));
        case 1 -> spec.header("x-b", Kind.PRESENT, "");
        default -> spec.header("x-a", Kind.REGEX, "[1-2]");
      }
    }
    if (random.nextInt(10) == 0) spec.host(random.nextBoolean() ? "a.io" : "b.io");
    else if (random.nextInt(20) == 0) spec.hostRegex("[ab]\\.io");
    if (random.nextInt(10) == 0) {
      spec.query("v", random.nextBoolean() ? Kind.EXACT : Kind.REGEX, random.nextBoolean() ? "1" : "[0-9]");
    }
    if (random.nextInt(5) == 0) spec.precedence(random.nextInt(3));
    return Fixtures.mapping("m" + i, spec.prefix).match(spec.build()).build();
  }

  private static String regexFor(Random random, String path) {
    return switch (random.nextInt(9)) {
      case 0 -> path + ".*"; // paths hold only letters, digits, '-' and '/': no metacharacters
      case 7 -> path + "\\b.*"; // looks back across the literal start: must not be split there
      case 8 -> path + "[^/]*"; // rest shared by many routes, but with a '^': kept whole
      case 1 -> "/[ab]+/.*";
      case 2 -> "^/ab*/.*";
      case 3 -> "/a/(b|c)/.*";
      case 4 -> "/svc-1{1,2}.*|/c/.*";
      case 5 -> "/ba?/.*";
      default -> "/svc-[0-9]+(/.*)?";
    };
  }

  private static String randomPath(Random random, boolean forPrefix) {
    StringBuilder sb = new StringBuilder();
    int depth = 1 + random.nextInt(forPrefix ? 3 : 4);
    for (int d = 0; d < depth; d++) sb.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
    if (random.nextBoolean()) sb.append('/');
    if (!forPrefix && random.nextInt(4) == 0) sb.setLength(Math.max(1, sb.length() - 1 - random.nextInt(2)));
    return sb.toString();
  }

  private static Request randomRequest(Random random) {
    String path = randomPath(random, false);
    if (random.nextInt(8) == 0) path = path.toUpperCase();
    Request r = Request.get(path).method(random.nextInt(3) == 0 ? "POST" : random.nextInt(4) == 0 ? "HEAD" : "GET");
    r.host(HOSTS[random.nextInt(HOSTS.length)]);
    if (random.nextInt(3) == 0) r.header("x-a", String.valueOf(1 + random.nextInt(3)));
    if (random.nextInt(3) == 0) r.header("x-b", "yes");
    if (random.nextInt(3) == 0) r.query("v", String.valueOf(random.nextInt(2)));
    return r;
  }

  private static RouteGroup linearScan(List<RouteGroup> groups, Request r, Map<MatchSpec, Pattern> cache) {
    for (RouteGroup g : groups) {
      if (naiveMatches(g.match(), r, cache)) return g;
    }
    return null;
  }

  private static boolean naiveMatches(MatchSpec s, Request r, Map<MatchSpec, Pattern> cache) {
    String path = r.path();
    boolean pathOk;
    if (s.prefixRegex()) {
      Pattern p = cache.computeIfAbsent(s, k ->
          Pattern.compile(k.prefix(), k.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE));
      pathOk = p.matcher(path).matches();
    } else if (!s.caseSensitive()) {
      String lp = path.toLowerCase();
      String px = s.prefix().toLowerCase();
      pathOk = s.prefixExact() ? lp.equals(px) : lp.startsWith(px);
    } else {
      pathOk = s.prefixExact() ? path.equals(s.prefix()) : path.startsWith(s.prefix());
    }
    if (!pathOk) return false;
    if (!s.method().isEmpty()
        && !(s.methodRegex() ? r.method().matches(s.method()) : r.method().equals(s.method()))) {
      return false;
    }
    if (!s.host().isEmpty() && !(s.hostRegex() ? r.host().matches(s.host()) : r.host().equals(s.host()))) {
      return false;
    }
    for (Condition c : s.headers()) if (!naiveCondition(c, r.header(c.name()))) return false;
    for (Condition c : s.queryParameters()) if (!naiveCondition(c, r.queryParameter(c.name()))) return false;
    return true;
  }

  private static boolean naiveCondition(Condition c, String value) {
    if (value == null) return false;
    return switch (c.kind()) {
      case PRESENT -> true;
      case EXACT -> value.equals(c.value());
      case REGEX -> value.matches(c.value());
    };
  }
}
