package io.dragoman.gateway.routing;

import static io.dragoman.gateway.routing.Fixtures.mapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Condition.Kind;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import org.junit.jupiter.api.Test;

class RouteMatchingTest {

  private static boolean matches(Spec spec, Request request) {
    RouteTable table = Fixtures.build(mapping("m", "/unused").match(spec.build()).build());
    assertThat(table.errors()).isEmpty();
    RouteGroup g = table.match(request);
    if (g != null) assertThat(g.members().get(0).mapping().name()).isEqualTo("m");
    return g != null;
  }

  @Test
  void plainPrefixIsAStringPrefixOfThePath() {
    Spec man = Spec.of("/man");
    assertThat(matches(man, Request.get("/man"))).isTrue();
    assertThat(matches(man, Request.get("/mankind"))).isTrue();
    assertThat(matches(man, Request.get("/man/x"))).isTrue();
    assertThat(matches(man, Request.get("/ma"))).isFalse();
    assertThat(matches(man, Request.get("/Man"))).isFalse();
    assertThat(matches(man, Request.get("/x/man"))).isFalse();
  }

  @Test
  void prefixExactRequiresTheWholePath() {
    Spec exact = Spec.of("/models/test/").exact();
    assertThat(matches(exact, Request.get("/models/test/"))).isTrue();
    assertThat(matches(exact, Request.get("/models/test/x"))).isFalse();
    assertThat(matches(exact, Request.get("/models/test"))).isFalse();
    assertThat(matches(exact, Request.get("/MODELS/test/"))).isFalse();
  }

  @Test
  void prefixRegexMustMatchTheWholePath() {
    Spec regex = Spec.of("/v[0-9]+/models/.*").regex();
    assertThat(matches(regex, Request.get("/v1/models/a"))).isTrue();
    assertThat(matches(regex, Request.get("/v12/models/"))).isTrue();
    assertThat(matches(regex, Request.get("/x/v1/models/a"))).isFalse();
    assertThat(matches(regex, Request.get("/vx/models/a"))).isFalse();
    Spec partial = Spec.of("/v[0-9]").regex();
    assertThat(matches(partial, Request.get("/v1"))).isTrue();
    assertThat(matches(partial, Request.get("/v1/more"))).isFalse();
  }

  @Test
  void caseInsensitiveAppliesToPlainExactAndRegexPrefixes() {
    assertThat(matches(Spec.of("/Man").caseInsensitive(), Request.get("/mANkind"))).isTrue();
    assertThat(matches(Spec.of("/Man").caseInsensitive(), Request.get("/mA"))).isFalse();
    assertThat(matches(Spec.of("/Exact").exact().caseInsensitive(), Request.get("/eXACT"))).isTrue();
    assertThat(matches(Spec.of("/Exact").exact().caseInsensitive(), Request.get("/eXACT/"))).isFalse();
    assertThat(matches(Spec.of("/api/[a-z]+").regex().caseInsensitive(), Request.get("/API/Users"))).isTrue();
    assertThat(matches(Spec.of("/api/[a-z]+").regex(), Request.get("/API/Users"))).isFalse();
  }

  @Test
  void methodMustBeEqual() {
    Spec post = Spec.of("/models/").method("POST");
    assertThat(matches(post, Request.get("/models/x").method("POST"))).isTrue();
    assertThat(matches(post, Request.get("/models/x").method("GET"))).isFalse();
    assertThat(matches(post, Request.get("/models/x").method("POSTX"))).isFalse();
  }

  @Test
  void methodRegexMustMatchTheWholeMethod() {
    Spec spec = Spec.of("/").methodRegex("GET|HEAD");
    assertThat(matches(spec, Request.get("/").method("GET"))).isTrue();
    assertThat(matches(spec, Request.get("/").method("HEAD"))).isTrue();
    assertThat(matches(spec, Request.get("/").method("GETX"))).isFalse();
    assertThat(matches(spec, Request.get("/").method("POST"))).isFalse();
  }

  @Test
  void headerPresentNeedsOnlyTheHeader() {
    Spec spec = Spec.of("/").header("X-Canary", Kind.PRESENT, "");
    assertThat(matches(spec, Request.get("/").header("x-canary", ""))).isTrue();
    assertThat(matches(spec, Request.get("/").header("x-canary", "anything"))).isTrue();
    assertThat(matches(spec, Request.get("/"))).isFalse();
  }

  @Test
  void headerExactComparesTheValueCaseSensitively() {
    Spec spec = Spec.of("/").header("X-Env", Kind.EXACT, "Blue");
    assertThat(matches(spec, Request.get("/").header("x-env", "Blue"))).isTrue();
    assertThat(matches(spec, Request.get("/").header("x-env", "blue"))).isFalse();
    assertThat(matches(spec, Request.get("/").header("x-env", "Blue2"))).isFalse();
    assertThat(matches(spec, Request.get("/"))).isFalse();
  }

  @Test
  void headerRegexMustMatchTheWholeValue() {
    Spec spec = Spec.of("/").header("x-user", Kind.REGEX, "[a-z]+-[0-9]+");
    assertThat(matches(spec, Request.get("/").header("x-user", "ann-42"))).isTrue();
    assertThat(matches(spec, Request.get("/").header("x-user", "ann-42x"))).isFalse();
    assertThat(matches(spec, Request.get("/"))).isFalse();
  }

  @Test
  void everyHeaderConditionMustHold() {
    Spec spec = Spec.of("/").header("a", Kind.EXACT, "1").header("b", Kind.PRESENT, "");
    assertThat(matches(spec, Request.get("/").header("a", "1").header("b", "x"))).isTrue();
    assertThat(matches(spec, Request.get("/").header("a", "1"))).isFalse();
    assertThat(matches(spec, Request.get("/").header("b", "x"))).isFalse();
  }

  @Test
  void hostComparesCaseInsensitively() {
    Spec spec = Spec.of("/").host("API.example.com");
    assertThat(matches(spec, Request.get("/").host("api.example.com"))).isTrue();
    assertThat(matches(spec, Request.get("/").host("www.example.com"))).isFalse();
    assertThat(matches(spec, Request.get("/"))).isFalse();
  }

  @Test
  void hostRegexMustMatchTheWholeHost() {
    Spec spec = Spec.of("/").hostRegex("[a-z]+\\.example\\.com");
    assertThat(matches(spec, Request.get("/").host("api.example.com"))).isTrue();
    assertThat(matches(spec, Request.get("/").host("api.example.com.evil"))).isFalse();
    assertThat(matches(spec, Request.get("/").host(""))).isFalse();
  }

  @Test
  void queryParametersLikeHeaders() {
    assertThat(matches(Spec.of("/").query("debug", Kind.PRESENT, ""), Request.get("/").query("debug", "")))
        .isTrue();
    assertThat(matches(Spec.of("/").query("debug", Kind.PRESENT, ""), Request.get("/"))).isFalse();
    Spec exact = Spec.of("/").query("v", Kind.EXACT, "2");
    assertThat(matches(exact, Request.get("/").query("v", "2"))).isTrue();
    assertThat(matches(exact, Request.get("/").query("v", "3"))).isFalse();
    Spec regex = Spec.of("/").query("v", Kind.REGEX, "[0-9]+");
    assertThat(matches(regex, Request.get("/").query("v", "123"))).isTrue();
    assertThat(matches(regex, Request.get("/").query("v", "12a"))).isFalse();
  }

  @Test
  void queryParameterNamesAreCaseSensitive() {
    Spec spec = Spec.of("/").query("Debug", Kind.PRESENT, "");
    assertThat(matches(spec, Request.get("/").query("Debug", "1"))).isTrue();
    assertThat(matches(spec, Request.get("/").query("debug", "1"))).isFalse();
  }

  @Test
  void noMatchGivesNull() {
    RouteTable table = Fixtures.build(Fixtures.plain("a", "/a/"));
    assertThat(table.match(Request.get("/b/"))).isNull();
    assertThat(RouteTable.empty().match(Request.get("/"))).isNull();
  }

  @Test
  void seedTwoMatchesPostOnly() {
    RouteTable table = Fixtures.build(
        mapping("tfserving-mapping-test-post", "/models/test/").match(Spec.of("/models/test/").method("POST").build())
            .build());
    assertThat(table.match(Request.get("/models/test/").method("POST"))).isNotNull();
    assertThat(table.match(Request.get("/models/test/"))).isNull();
  }

  @Test
  void anUncompilableRegexIsAnErrorAndTheMappingIsLeftOut() {
    RouteTable table = Fixtures.build(
        mapping("bad", "/x").match(Spec.of("/x(").regex().build()).build(),
        mapping("badheader", "/y").match(Spec.of("/y").header("x-a", Kind.REGEX, "[").build()).build(),
        Fixtures.plain("good", "/"));
    assertThat(table.errors())
        .extracting(e -> e.object() + " " + e.field())
        .containsExactly("bad prefix", "badheader regex_headers.x-a");
    assertThat(table.errors().get(0).message())
        .startsWith("\"/x(\" (expected: a valid RE2 regex; ")
        .endsWith(")");
    assertThat(table.errors().get(0).source()).isEqualTo("s");
    assertThat(table.groups()).extracting(g -> g.members().get(0).mapping().name()).containsExactly("good");
    assertThat(table.match(Request.get("/x(")).members().get(0).mapping().name()).isEqualTo("good");
  }
}
