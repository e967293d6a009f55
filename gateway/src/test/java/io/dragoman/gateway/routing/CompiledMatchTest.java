package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.routing.Fixtures.Spec;
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
}
