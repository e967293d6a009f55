package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompiledMatchTest {

  @Test
  void literalPrefixStopsAtTheFirstMetacharacter() {
    assertThat(CompiledMatch.literalPrefix("/svc-[0-9]+/.*")).isEqualTo("/svc-");
    assertThat(CompiledMatch.literalPrefix("/models/.*")).isEqualTo("/models/");
    assertThat(CompiledMatch.literalPrefix("/exact$")).isEqualTo("/exact");
    assertThat(CompiledMatch.literalPrefix("/plain")).isEqualTo("/plain");
    assertThat(CompiledMatch.literalPrefix("/a\\.b")).isEqualTo("/a");
  }

  @Test
  void literalPrefixDropsAQuantifiedCharacter() {
    assertThat(CompiledMatch.literalPrefix("/ab*/")).isEqualTo("/a");
    assertThat(CompiledMatch.literalPrefix("/ab?/")).isEqualTo("/a");
    assertThat(CompiledMatch.literalPrefix("/ab+/")).isEqualTo("/a");
    assertThat(CompiledMatch.literalPrefix("/ab{2}/")).isEqualTo("/a");
    assertThat(CompiledMatch.literalPrefix("a*")).isEqualTo("");
  }

  @Test
  void literalPrefixSkipsAStartAnchorAndGivesUpOnAlternationAndFlags() {
    assertThat(CompiledMatch.literalPrefix("^/api/.*")).isEqualTo("/api/");
    assertThat(CompiledMatch.literalPrefix("/a/.*|/b/.*")).isEqualTo("");
    assertThat(CompiledMatch.literalPrefix("/a/(x|y)")).isEqualTo("");
    assertThat(CompiledMatch.literalPrefix("(?i)/a")).isEqualTo("");
  }

  @Test
  void indexKeyIsThePrefixOrTheRegexLiteralAndNullWhenCaseInsensitive() {
    assertThat(CompiledMatch.compile(Spec.of("/a/").build()).indexKey()).isEqualTo("/a/");
    assertThat(CompiledMatch.compile(Spec.of("/a/").exact().build()).indexKey()).isEqualTo("/a/");
    assertThat(CompiledMatch.compile(Spec.of("/a/[0-9]+").regex().build()).indexKey()).isEqualTo("/a/");
    assertThat(CompiledMatch.compile(Spec.of("/a/").caseInsensitive().build()).indexKey()).isNull();
    assertThat(CompiledMatch.compile(Spec.of("/a/.*").regex().caseInsensitive().build()).indexKey()).isNull();
  }

  @Test
  void regexAndExactTogetherMatchByTheRegex() {
    CompiledMatch m = CompiledMatch.compile(Spec.of("/a/[0-9]+").regex().exact().build());
    assertThat(m.matches(Fixtures.Request.get("/a/12"))).isTrue();
    assertThat(m.matches(Fixtures.Request.get("/a/[0-9]+"))).isFalse();
    RouteTable table = Fixtures.build(Fixtures.mapping("m", "/x").match(Spec.of("/a/[0-9]+").regex().exact().build())
        .build());
    assertThat(table.match(Fixtures.Request.get("/a/12"))).isNotNull();
  }

  @Test
  void regexesThatDifferOnlyInTheirLiteralStartShareOneCompiledTail() {
    Map<String, Pattern> tails = new HashMap<>();
    CompiledMatch one = CompiledMatch.compile(Spec.of("/re-1/[a-z]+/.*").regex().build(), tails);
    CompiledMatch two = CompiledMatch.compile(Spec.of("^/re-22/[a-z]+/.*").regex().build(), tails);

    assertThat(tails).containsOnlyKeys("[a-z]+/.*");
    assertThat(one.matches(Request.get("/re-1/models/v1"))).isTrue();
    assertThat(one.matches(Request.get("/re-1/Models/v1"))).isFalse();
    assertThat(one.matches(Request.get("/re-22/models/v1"))).isFalse();
    assertThat(two.matches(Request.get("/re-22/models/v1"))).isTrue();
    assertThat(two.matchesUnderKey(Request.get("/re-22/models/v1"))).isTrue();
    assertThat(two.matchesUnderKey(Request.get("/re-22/models"))).isFalse();
  }

  @Test
  void theTailIsWhatFollowsTheLiteralStart() {
    assertThat(CompiledMatch.tailRegex(Spec.of("^/api/.*").regex().build())).isEqualTo(".*");
    assertThat(CompiledMatch.tailRegex(Spec.of("/ab*/").regex().build())).isEqualTo("b*/");
    assertThat(CompiledMatch.tailRegex(Spec.of("/exact").regex().build())).isEqualTo("");
    assertThat(CompiledMatch.tailRegex(Spec.of("/a/(x|y)").regex().build())).isNull();
    assertThat(CompiledMatch.tailRegex(Spec.of("/a/.*").regex().caseInsensitive().build())).isNull();
    assertThat(CompiledMatch.tailRegex(Spec.of("/a/").build())).isNull();
  }

  @Test
  void aRegexWhoseRestLooksBackAcrossTheSplitIsKeptWhole() {
    // each of these, split at its literal start, would match what the whole regex does not
    for (String regex : List.of("/ab\\b.*", "/ab\\B.*", "/a^.*", "/a\\A.*", "/a/[^/]+")) {
      assertThat(CompiledMatch.tailRegex(Spec.of(regex).regex().build())).as(regex).isNull();
    }
    RouteTable table = Fixtures.build(
        Fixtures.mapping("boundary", "/x").match(Spec.of("/ab\\b.*").regex().build()).build(),
        Fixtures.mapping("anchor", "/x").match(Spec.of("/c^.*").regex().build()).build(),
        Fixtures.mapping("class", "/x").match(Spec.of("/d/[^/]+").regex().build()).build());

    assertThat(table.match(Request.get("/ab/x")).members().get(0).mapping().name()).isEqualTo("boundary");
    assertThat(table.match(Request.get("/abc"))).isNull();
    assertThat(table.match(Request.get("/c"))).isNull();
    assertThat(table.match(Request.get("/cx"))).isNull();
    assertThat(table.match(Request.get("/d/e")).members().get(0).mapping().name()).isEqualTo("class");
    assertThat(table.match(Request.get("/d/e/f"))).isNull();
  }

  @Test
  void aSplitThatWouldCutASurrogatePairIsNotMade() {
    String regex = "/\uD83D\uDE00+"; // the emoji, one or more times: the literal start ends before the pair
    assertThat(CompiledMatch.tailRegex(Spec.of(regex).regex().build())).isEqualTo("\uD83D\uDE00+");
    // a lone high surrogate before a metacharacter would end the start inside whatever pair the path holds there
    assertThat(CompiledMatch.tailRegex(Spec.of("/a\uD83D.*").regex().build())).isNull();
    RouteTable table = Fixtures.build(Fixtures.mapping("emoji", "/x").match(Spec.of(regex).regex().build()).build());

    assertThat(table.match(Request.get("/\uD83D\uDE00\uD83D\uDE00"))).isNotNull();
    assertThat(table.match(Request.get("/\uD83D\uDE01"))).isNull();
  }

  @Test
  void aQuantifierAfterASurrogatePairOrAFlagGroupRepeatsTheCharacterBeforeIt() {
    // RE2 applies a quantifier after a flag group to the atom before the group, and one after a surrogate pair to
    // the whole code point: "/a(?s)*" is "/a*" and "/\uD83D\uDE00*" is "/" then the emoji, zero or more times.
    for (String[] c : new String[][] {
        {"/\uD83D\uDE00*", "/"}, {"/\uD83D\uDE00{0}", "/"}, {"/x\uD83D\uDE00?/", "/x/"},
        {"/a(?s)*", "/"}, {"/ab(?i)?/c", "/a/c"}, {"/ab(?m)(?s){0}", "/a"}}) {
      String regex = c[0];
      String path = c[1];
      assertThat(Pattern.compile(regex).matches(path)).as(regex).isTrue();
      assertThat(path).as(regex).startsWith(CompiledMatch.literalPrefix(regex));
      RouteTable table = Fixtures.build(Fixtures.mapping("m", "/x").match(Spec.of(regex).regex().build()).build());
      assertThat(table.match(Request.get(path))).as("%s on %s", regex, path).isNotNull();
    }
  }
}
