package io.dragoman.gateway.routing;

import static io.dragoman.gateway.routing.Fixtures.mapping;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.RegexRewrite;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PathRewriterTest {

  private static Route route(Spec spec, String rewrite) {
    Mapping m = mapping("m", spec.prefix).match(spec.build()).forward(Fixtures.rewrite(rewrite)).build();
    return Fixtures.build(m).groups().get(0).members().get(0);
  }

  private static ForwardSpec regexRewrite(String pattern, String substitution) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), Optional.of(new RegexRewrite(pattern, substitution)), d.hostRewrite(),
        d.autoHostRewrite(), d.addRequestHeaders(), d.removeRequestHeaders(), d.addResponseHeaders(),
        d.removeResponseHeaders(), d.timeoutMs(), d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(),
        d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  private static String regexRewritten(String pattern, String substitution, String path) {
    Mapping m = mapping("m", "/").forward(regexRewrite(pattern, substitution)).build();
    RouteTable table = Fixtures.build(m);
    assertThat(table.errors()).isEmpty();
    return table.groups().get(0).members().get(0).rewriter().rewrite(path);
  }

  @Test
  void seedOneHttpbin() {
    Mapping m = Mapping.builder("httpbin_mapping", "/httpbin/", new ServiceRef("httpbin.org:80", false,
        "httpbin.org", 80)).forward(withHostRewrite("httpbin.org")).apiVersion("ambassador/v0").build();
    RouteTable table = Fixtures.build(m);
    Route r = table.match(Request.get("/httpbin/get").query("a", "1")).pick(0.5);
    assertThat(r.forwardPath("/httpbin/get", "a=1")).isEqualTo("/get?a=1");
    assertThat(r.upstreamHost("gateway.local")).isEqualTo("httpbin.org");
    assertThat(r.mapping().service().authority()).isEqualTo("httpbin.org:80");
  }

  private static ForwardSpec withHostRewrite(String host) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), host, false, d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), d.timeoutMs(),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  @Test
  void seedTwoTfServing() {
    Route r = route(Spec.of("/models/test/").method("POST"), "/model/test/:predict");
    assertThat(r.forwardPath("/models/test/", "")).isEqualTo("/model/test/:predict");
  }

  @Test
  void defaultRewriteSlashReplacesThePrefix() {
    Route r = route(Spec.of("/httpbin/"), "/");
    assertThat(r.forwardPath("/httpbin/get", "")).isEqualTo("/get");
    assertThat(r.forwardPath("/httpbin/", "")).isEqualTo("/");
    assertThat(r.forwardPath("/httpbin/a/b", "x=1&y=2")).isEqualTo("/a/b?x=1&y=2");
  }

  @Test
  void prefixWithoutTrailingSlashKeepsTheRestLiterally() {
    Route r = route(Spec.of("/httpbin"), "/");
    assertThat(r.forwardPath("/httpbin/get", "")).isEqualTo("//get");
    assertThat(r.forwardPath("/httpbinx", "")).isEqualTo("/x");
  }

  @Test
  void emptyRewriteKeepsThePath() {
    assertThat(route(Spec.of("/foo"), "").forwardPath("/foo/bar", "q=1")).isEqualTo("/foo/bar?q=1");
    assertThat(route(Spec.of("/foo/.*").regex(), "").forwardPath("/foo/bar", "")).isEqualTo("/foo/bar");
    assertThat(route(Spec.of("/foo").exact(), "").forwardPath("/foo", "")).isEqualTo("/foo");
  }

  @Test
  void rewriteReplacesTheMatchedPrefix() {
    assertThat(route(Spec.of("/api/v1/"), "/v2/").forwardPath("/api/v1/users", "")).isEqualTo("/v2/users");
  }

  @Test
  void aRewriteWithoutLeadingSlashGetsOne() {
    assertThat(route(Spec.of("/foo/"), "bar").forwardPath("/foo/x", "")).isEqualTo("/barx");
    assertThat(route(Spec.of("/foo/"), "bar/").forwardPath("/foo/x", "")).isEqualTo("/bar/x");
  }

  @Test
  void caseInsensitivePrefixReplacesTheSameLength() {
    Route r = route(Spec.of("/Api/").caseInsensitive(), "/");
    assertThat(r.forwardPath("/API/users", "")).isEqualTo("/users");
    assertThat(r.forwardPath("/api/users", "")).isEqualTo("/users");
  }

  @Test
  void regexAndExactPrefixesReplaceTheWholePath() {
    assertThat(route(Spec.of("/v[0-9]+/.*").regex(), "/new").forwardPath("/v1/a/b", "k=v")).isEqualTo("/new?k=v");
    assertThat(route(Spec.of("/health").exact(), "/healthz").forwardPath("/health", "")).isEqualTo("/healthz");
    assertThat(route(Spec.of("/health").exact(), "healthz").forwardPath("/health", "")).isEqualTo("/healthz");
  }

  @Test
  void regexRewriteSubstitutesGroups() {
    assertThat(regexRewritten("^/service/([^/]+)(/.*)$", "\\2/instance/\\1", "/service/foo/v1/api"))
        .isEqualTo("/v1/api/instance/foo");
  }

  @Test
  void regexRewriteReplacesEveryMatch() {
    assertThat(regexRewritten("a", "b", "/aXa")).isEqualTo("/bXb");
  }

  @Test
  void regexRewriteKeepsLiteralDigitsDollarsAndBackslashes() {
    assertThat(regexRewritten("^/(a)$", "/\\10$1\\\\", "/a")).isEqualTo("/a0$1\\");
  }

  @Test
  void regexRewriteWinsOverRewrite() {
    Mapping m = mapping("m", "/p/").forward(Fixtures.withRewrite(regexRewrite("^/p/(.*)$", "/q/\\1"), "/r/"))
        .build();
    Route r = Fixtures.build(m).groups().get(0).members().get(0);
    assertThat(r.forwardPath("/p/x", "z=1")).isEqualTo("/q/x?z=1");
  }

  @Test
  void regexRewriteResultGetsALeadingSlash() {
    assertThat(regexRewritten("^/p/", "", "/p/x")).isEqualTo("/x");
  }

  @Test
  void regexRewriteWithAMissingGroupIsAnError() {
    Mapping m = mapping("m", "/").forward(regexRewrite("^/(a)$", "/\\2")).build();
    RouteTable table = Fixtures.build(m);
    assertThat(table.groups()).isEmpty();
    assertThat(table.errors()).containsExactly(new ConfigError("s", "m", "regex_rewrite.substitution",
        "\"/\\2\" (expected: groups up to \\1; found \\2)"));
  }

  @Test
  void regexRewriteWithABadPatternIsAnError() {
    RouteTable table = Fixtures.build(mapping("m", "/").forward(regexRewrite("(", "/")).build());
    assertThat(table.groups()).isEmpty();
    assertThat(table.errors()).extracting(ConfigError::field).containsExactly("regex_rewrite.pattern");
  }
}
