package io.dragoman.gateway.routing;

import static io.dragoman.gateway.routing.Fixtures.mapping;
import static io.dragoman.gateway.routing.Fixtures.plain;
import static io.dragoman.gateway.routing.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Cors;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ModuleConfig;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.PolicySpec;
import io.dragoman.gateway.mapping.Skipped;
import io.dragoman.gateway.routing.Fixtures.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RouteTableBuilderTest {
  private final RouteTableBuilder builder = new RouteTableBuilder(Fixtures.CLOCK);

  private static ModuleConfig module(String source, OptionalLong timeout, OptionalLong connect, OptionalLong idle,
      Optional<Cors> cors, List<HeaderValue> requestHeaders, List<HeaderValue> responseHeaders) {
    return new ModuleConfig(source, source + ".1", "default", cors, timeout, connect, idle, requestHeaders,
        responseHeaders, Map.of());
  }

  private static ModuleConfig timeoutModule(String source, long timeout) {
    return module(source, OptionalLong.of(timeout), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
        List.of(), List.of());
  }

  private static Cors cors(String origin) {
    return new Cors(List.of(origin), List.of("GET"), List.of(), false, List.of(), OptionalLong.empty());
  }

  private static ForwardSpec forward(OptionalLong timeout, OptionalLong connect, OptionalLong idle,
      List<HeaderValue> requestHeaders, List<HeaderValue> responseHeaders) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), requestHeaders,
        d.removeRequestHeaders(), responseHeaders, d.removeResponseHeaders(), timeout, connect, idle, d.grpc(),
        d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  private static Route route(RouteTable table, String name) {
    for (RouteGroup g : table.groups()) {
      for (Route r : g.members()) if (r.mapping().name().equals(name)) return r;
    }
    throw new AssertionError("no route " + name);
  }

  @Test
  void builtInDefaultsWithoutAModule() {
    Route r = route(Fixtures.build(plain("a", "/a/")), "a");
    assertThat(r.timeoutMs()).isEqualTo(3000);
    assertThat(r.connectTimeoutMs()).isEqualTo(3000);
    assertThat(r.idleTimeoutMs()).isEqualTo(0);
    assertThat(r.cors()).isEmpty();
    assertThat(r.addRequestHeaders()).isEmpty();
    assertThat(r.addResponseHeaders()).isEmpty();
  }

  @Test
  void moduleDefaultsApplyWhereTheMappingSetsNothing() {
    ModuleConfig m = module("mod", OptionalLong.of(10_000), OptionalLong.of(500), OptionalLong.of(60_000),
        Optional.of(cors("https://a.io")), List.of(new HeaderValue("X-Gw", "dragoman", false)),
        List.of(new HeaderValue("X-Served-By", "gw", true)));
    RouteTable table = builder.build(List.of(source("mod", List.of(m)), source("s", plain("a", "/a/"))),
        RouteTable.empty());
    Route r = route(table, "a");
    assertThat(r.timeoutMs()).isEqualTo(10_000);
    assertThat(r.connectTimeoutMs()).isEqualTo(500);
    assertThat(r.idleTimeoutMs()).isEqualTo(60_000);
    assertThat(r.cors()).contains(cors("https://a.io"));
    assertThat(r.addRequestHeaders()).containsExactly(new HeaderValue("X-Gw", "dragoman", false));
    assertThat(r.addResponseHeaders()).containsExactly(new HeaderValue("X-Served-By", "gw", true));
  }

  @Test
  void theMappingsOwnSettingsWinOverTheModule() {
    ModuleConfig m = module("mod", OptionalLong.of(10_000), OptionalLong.of(500), OptionalLong.of(60_000),
        Optional.of(cors("https://module.io")),
        List.of(new HeaderValue("x-gw", "module", false), new HeaderValue("X-Extra", "module", false)),
        List.of(new HeaderValue("X-Resp", "module", false)));
    Mapping a = mapping("a", "/a/")
        .forward(forward(OptionalLong.of(0), OptionalLong.of(100), OptionalLong.of(5),
            List.of(new HeaderValue("X-GW", "mapping", true)), List.of(new HeaderValue("X-Own", "mapping", false))))
        .policies(new PolicySpec(OptionalInt.empty(), false, Optional.of(cors("https://mapping.io")),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty()))
        .build();
    RouteTable table = builder.build(List.of(source("mod", List.of(m)), source("s", a)), RouteTable.empty());
    Route r = route(table, "a");
    assertThat(r.timeoutMs()).isEqualTo(0);
    assertThat(r.connectTimeoutMs()).isEqualTo(100);
    assertThat(r.idleTimeoutMs()).isEqualTo(5);
    assertThat(r.cors()).contains(cors("https://mapping.io"));
    assertThat(r.addRequestHeaders()).containsExactly(
        new HeaderValue("X-GW", "mapping", true), new HeaderValue("X-Extra", "module", false));
    assertThat(r.addResponseHeaders()).containsExactly(
        new HeaderValue("X-Own", "mapping", false), new HeaderValue("X-Resp", "module", false));
  }

  @Test
  void theFirstModuleBySourceKeyWinsAndASecondIsAnError() {
    ParsedSource late = source("b-late", List.of(timeoutModule("b-late", 2_000)), plain("a", "/a/"));
    ParsedSource early = source("a-early", List.of(timeoutModule("a-early", 1_000)));
    RouteTable table = builder.build(List.of(late, early), RouteTable.empty());
    assertThat(route(table, "a").timeoutMs()).isEqualTo(1_000);
    assertThat(table.errors()).containsExactly(new ConfigError("b-late", "b-late.1", "name",
        "\"ambassador\" (expected: one Module ambassador; the one in source a-early is in effect and this one is"
            + " ignored)"));
  }

  @Test
  void aTakenNameIsAnErrorOnTheLaterSourceAndTheFirstKeepsWorking() {
    ParsedSource b = source("b", plain("shared", "/from-b/"));
    ParsedSource a = source("a", plain("shared", "/from-a/"));
    RouteTable table = builder.build(List.of(b, a), RouteTable.empty());
    assertThat(table.groups()).extracting(g -> g.match().prefix()).containsExactly("/from-a/");
    assertThat(table.errors()).containsExactly(new ConfigError("b", "shared", "name",
        "\"shared\" (expected: a Mapping name unique in namespace default; source a already defines it and keeps"
            + " it)"));
    assertThat(table.sources()).containsExactly(
        new SourceInfo("a", "default", 1, 0, false), new SourceInfo("b", "default", 1, 1, false));
  }

  @Test
  void aTakenNameWithinOneSourceIsAnErrorOnTheLaterObject() {
    RouteTable table = Fixtures.build(plain("dup", "/one/"), plain("dup", "/two/"));
    assertThat(table.groups()).extracting(g -> g.match().prefix()).containsExactly("/one/");
    assertThat(table.errors()).extracting(ConfigError::describe).containsExactly(
        "s dup: name: \"dup\" (expected: a Mapping name unique in namespace default; source s already defines it"
            + " and keeps it)");
  }

  @Test
  void theSameNameInTwoNamespacesIsFine() {
    Mapping a = mapping("same", "/a/").namespace("team-a").build();
    Mapping b = mapping("same", "/b/").namespace("team-b").build();
    RouteTable table = Fixtures.build(a, b);
    assertThat(table.errors()).isEmpty();
    assertThat(table.groups()).hasSize(2);
  }

  @Test
  void collectsErrorsSkippedAndSourcesInKeyOrder() {
    ConfigError parseError = new ConfigError("z", "z.2", "timeout_ms", "\"3s\" (expected: integer milliseconds)");
    Skipped skipped = new Skipped("z", "z.3", "AuthService", "not supported yet");
    ParsedSource z = new ParsedSource("z", "ns-z", List.of(), List.of(), List.of(parseError), List.of(skipped), 3,
        false);
    ParsedSource stale = new ParsedSource("m", "ns-m", List.of(plain("kept", "/kept/").toBuilder().source("m")
        .build()), List.of(), List.of(), List.of(), 1, true);
    ConfigError otherError = new ConfigError("a", "a.1", "", "apiVersion: \"v9\" (expected: ambassador/v0, ...)");
    ParsedSource a = new ParsedSource("a", "ns-a", List.of(), List.of(), List.of(otherError), List.of(), 1, false);
    RouteTable table = builder.build(List.of(z, stale, a), RouteTable.empty());
    assertThat(table.errors()).containsExactly(otherError, parseError);
    assertThat(table.skipped()).containsExactly(skipped);
    assertThat(table.sources()).containsExactly(
        new SourceInfo("a", "ns-a", 1, 1, false),
        new SourceInfo("m", "ns-m", 1, 0, true),
        new SourceInfo("z", "ns-z", 3, 1, false));
    assertThat(table.match(Request.get("/kept/x"))).isNotNull();
  }

  @Test
  void generationCountsUpAndBuiltAtComesFromTheClock() {
    RouteTable first = builder.build(List.of(), RouteTable.empty());
    RouteTable second = builder.build(List.of(source("s", plain("a", "/a/"))), first);
    assertThat(first.generation()).isEqualTo(1);
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.builtAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(second.routeCount()).isEqualTo(1);
  }

  @Test
  void routeCountIncludesShadows() {
    RouteTable table = Fixtures.build(plain("a", "/p/"), plain("b", "/p/"), Fixtures.shadow("c", "/p/"),
        plain("d", "/q/"));
    assertThat(table.routeCount()).isEqualTo(4);
  }

  @Test
  void emptyInputGivesAnEmptyTable() {
    RouteTable table = builder.build(List.of(), RouteTable.empty());
    assertThat(table.groups()).isEmpty();
    assertThat(table.errors()).isEmpty();
    assertThat(table.match(Request.get("/"))).isNull();
  }
}
