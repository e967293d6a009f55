package io.dragoman.gateway.routing;

import static io.dragoman.gateway.routing.Fixtures.mapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Condition.Kind;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteOrderTest {

  private static Mapping m(String name, Spec spec) {
    return mapping(name, spec.prefix).match(spec.build()).build();
  }

  private static List<String> order(Mapping... mappings) {
    return names(Fixtures.build(mappings));
  }

  private static List<String> names(RouteTable table) {
    List<String> out = new ArrayList<>();
    for (RouteGroup g : table.groups()) out.add(g.members().get(0).mapping().name());
    return out;
  }

  @Test
  void higherPrecedenceFirstEvenOverALongerPrefix() {
    Mapping high = m("high", Spec.of("/a").precedence(1));
    Mapping longer = m("longer", Spec.of("/a/longer/"));
    assertThat(order(longer, high)).containsExactly("high", "longer");
    RouteTable table = Fixtures.build(longer, high);
    assertThat(table.match(Request.get("/a/longer/x")).members().get(0).mapping().name()).isEqualTo("high");
  }

  @Test
  void negativePrecedenceLast() {
    assertThat(order(m("neg", Spec.of("/a/b/c").precedence(-1)), m("zero", Spec.of("/a"))))
        .containsExactly("zero", "neg");
  }

  @Test
  void longerPrefixFirst() {
    Mapping shorter = m("shorter", Spec.of("/a/"));
    Mapping longer = m("longer", Spec.of("/a/b/"));
    assertThat(order(shorter, longer)).containsExactly("longer", "shorter");
    RouteTable table = Fixtures.build(shorter, longer);
    assertThat(table.match(Request.get("/a/b/c")).members().get(0).mapping().name()).isEqualTo("longer");
    assertThat(table.match(Request.get("/a/c")).members().get(0).mapping().name()).isEqualTo("shorter");
  }

  @Test
  void prefixLengthCountsRegexText() {
    assertThat(order(m("plain", Spec.of("/abcd")), m("regex", Spec.of("/a.*").regex())))
        .containsExactly("plain", "regex");
    assertThat(order(m("plain", Spec.of("/ab")), m("regex", Spec.of("/a/.*").regex())))
        .containsExactly("regex", "plain");
  }

  @Test
  void moreConstrainedFirst() {
    Mapping bare = m("bare", Spec.of("/api/"));
    Mapping header = m("header", Spec.of("/api/").header("x-canary", Kind.EXACT, "1"));
    Mapping twoHeaders =
        m("two", Spec.of("/api/").header("x-canary", Kind.EXACT, "1").header("x-b", Kind.PRESENT, ""));
    assertThat(order(bare, header, twoHeaders)).containsExactly("two", "header", "bare");
    RouteTable table = Fixtures.build(bare, header, twoHeaders);
    assertThat(table.match(Request.get("/api/x").header("x-canary", "1")).members().get(0).mapping().name())
        .isEqualTo("header");
    assertThat(table.match(Request.get("/api/x")).members().get(0).mapping().name()).isEqualTo("bare");
  }

  @Test
  void constraintWeightCountsNameAndValueLengthsMethodAndHost() {
    // ":method" + "POST" = 11; ":authority" + "a.io" = 14; "x-long-header" + "" = 13; query "q" + "12345" = 6
    Mapping method = m("method", Spec.of("/p").method("POST"));
    Mapping host = m("host", Spec.of("/p").host("a.io"));
    Mapping header = m("header", Spec.of("/p").header("x-long-header", Kind.PRESENT, ""));
    Mapping query = m("query", Spec.of("/p").query("q", Kind.EXACT, "12345"));
    assertThat(order(method, host, header, query)).containsExactly("host", "header", "method", "query");
  }

  @Test
  void tieBreakByPrefixText() {
    assertThat(order(m("b", Spec.of("/bb")), m("a", Spec.of("/ab")))).containsExactly("a", "b");
  }

  @Test
  void tieBreakByMethod() {
    assertThat(order(m("put", Spec.of("/p").method("PUT")), m("get", Spec.of("/p").method("GET"))))
        .containsExactly("get", "put");
  }

  @Test
  void tieBreakBySortedHeaders() {
    Mapping b = m("b", Spec.of("/p").header("x-b", Kind.EXACT, "1"));
    Mapping a = m("a", Spec.of("/p").header("x-a", Kind.EXACT, "1"));
    assertThat(order(b, a)).containsExactly("a", "b");
    // headers given in different orders are sorted, so these two are one canary group
    Mapping ab = m("ab", Spec.of("/q").header("x-a", Kind.EXACT, "1").header("x-b", Kind.EXACT, "2"));
    Mapping ba = m("ba", Spec.of("/q").header("x-b", Kind.EXACT, "2").header("x-a", Kind.EXACT, "1"));
    RouteTable table = Fixtures.build(ab, ba);
    assertThat(table.groups()).hasSize(1);
    assertThat(table.groups().get(0).members()).extracting(r -> r.mapping().name()).containsExactly("ab", "ba");
  }

  @Test
  void tieBreakByQueryParameters() {
    assertThat(order(m("y", Spec.of("/p").query("y", Kind.EXACT, "1")), m("x", Spec.of("/p").query("x", Kind.EXACT, "1"))))
        .containsExactly("x", "y");
  }

  @Test
  void tieBreakByHost() {
    assertThat(order(m("b", Spec.of("/p").host("b.io")), m("a", Spec.of("/p").host("a.io"))))
        .containsExactly("a", "b");
  }

  @Test
  void tieBreakByFlagsPlainBeforeRegexAndExact() {
    Mapping regex = m("regex", Spec.of("/p").regex());
    Mapping exact = m("exact", Spec.of("/p").exact());
    Mapping plain = m("plain", Spec.of("/p"));
    Mapping insensitive = m("insensitive", Spec.of("/p").caseInsensitive());
    assertThat(order(regex, exact, insensitive, plain)).containsExactly("plain", "insensitive", "exact", "regex");
  }

  @Test
  void fullOrderOfAMixedTable() {
    // api-post weighs ":method" + "POST" = 11, api-canary "x-canary" + "" = 8
    List<Mapping> all = List.of(
        m("root", Spec.of("/")),
        m("api", Spec.of("/api/")),
        m("api-v2", Spec.of("/api/v2/")),
        m("api-post", Spec.of("/api/").method("POST")),
        m("api-canary", Spec.of("/api/").header("x-canary", Kind.PRESENT, "")),
        m("pinned", Spec.of("/").precedence(10)),
        m("health", Spec.of("/health").exact()));
    assertThat(order(all.toArray(new Mapping[0])))
        .containsExactly("pinned", "api-v2", "health", "api-post", "api-canary", "api", "root");
  }

  @Test
  void shuffledInputGivesTheIdenticalTable() {
    Random random = new Random(42);
    List<Mapping> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Spec spec = Spec.of("/" + (char) ('a' + random.nextInt(3)) + "/" + random.nextInt(5));
      if (random.nextInt(4) == 0) spec.method(random.nextBoolean() ? "GET" : "POST");
      if (random.nextInt(4) == 0) spec.header("x-" + random.nextInt(3), Kind.EXACT, "v" + random.nextInt(2));
      if (random.nextInt(5) == 0) spec.host(random.nextBoolean() ? "a.io" : "b.io");
      if (random.nextInt(6) == 0) spec.precedence(random.nextInt(3));
      if (random.nextInt(8) == 0) spec.exact();
      all.add(m("m" + i, spec));
    }
    List<String> expected = groupsAndMembers(tableOf(all, 1));
    assertThat(expected).hasSizeGreaterThan(50);
    for (int round = 0; round < 5; round++) {
      List<Mapping> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, random);
      assertThat(groupsAndMembers(tableOf(shuffled, 1 + round))).isEqualTo(expected);
    }
  }

  /** Splits the Mappings over {@code n} sources, given to the builder in reverse key order. */
  private static RouteTable tableOf(List<Mapping> mappings, int n) {
    List<ParsedSource> sources = new ArrayList<>();
    for (int s = n - 1; s >= 0; s--) {
      List<Mapping> part = new ArrayList<>();
      for (int i = s; i < mappings.size(); i += n) part.add(mappings.get(i));
      sources.add(Fixtures.source("src-" + s, part.toArray(new Mapping[0])));
    }
    return new RouteTableBuilder(Fixtures.CLOCK).build(sources, RouteTable.empty());
  }

  private static List<String> groupsAndMembers(RouteTable table) {
    List<String> out = new ArrayList<>();
    for (RouteGroup g : table.groups()) {
      StringBuilder sb = new StringBuilder(g.match().toString()).append(" ->");
      for (Route r : g.members()) sb.append(' ').append(r.mapping().name()).append('=').append(r.weightPercent());
      out.add(sb.toString());
    }
    return out;
  }
}
