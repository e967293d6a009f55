package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Cors;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.PolicySpec;
import io.dragoman.gateway.mapping.RegexRewrite;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.mapping.Skipped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Route tables for the admin tests, built directly (the builder is someone else's work): the package-private
 * {@link RouteTable} constructor is only reachable from this package.
 */
public final class AdminFixtures {
  public static final Instant BUILT_AT = Instant.parse("2024-05-01T12:00:00.250Z");

  private AdminFixtures() {}

  /** Any table from parts, with a matcher that matches nothing (admin never matches requests). */
  public static RouteTable table(
      List<RouteGroup> groups,
      List<ConfigError> errors,
      List<Skipped> skipped,
      List<SourceInfo> sources,
      long generation,
      Instant builtAt) {
    return new RouteTable(groups, errors, skipped, sources, generation, builtAt, request -> null);
  }

  public static Route route(Mapping mapping, double weightPercent) {
    return new Route(
        mapping,
        weightPercent,
        mapping.forward().timeoutMs().orElse(Route.DEFAULT_TIMEOUT_MS),
        mapping.forward().connectTimeoutMs().orElse(Route.DEFAULT_CONNECT_TIMEOUT_MS),
        mapping.forward().idleTimeoutMs().orElse(0),
        mapping.forward().addRequestHeaders(),
        mapping.forward().addResponseHeaders(),
        mapping.policies().cors(),
        path -> path);
  }

  /**
   * Group 0: a canary on {@code /models/mnist/} (mnist-v1 90 %, mnist-v2 over TLS 10 %) with a header condition and a
   * shadow. Group 1: a regex prefix with method, host, query condition, precedence, regex rewrite and CORS.
   * One error, one skipped object, one stale source.
   */
  public static RouteTable canaryTable() {
    MatchSpec mnist =
        new MatchSpec(
            "/models/mnist/", false, false, true, "", false,
            List.of(Condition.header("X-Model-Version", Condition.Kind.EXACT, "2")),
            "", false, List.of(), 0);
    Mapping main = mapping("mnist-main", 1, mnist, new ServiceRef("mnist-v1", false, "mnist-v1.kubeflow", 80), 90);
    Mapping canary =
        mapping("mnist-canary", 2, mnist, new ServiceRef("https://mnist-v2:8443", true, "mnist-v2.kubeflow", 8443), 10);
    Mapping shadow =
        mapping("mnist-shadow", 3, mnist, new ServiceRef("mnist-shadow:9000", false, "mnist-shadow.kubeflow", 9000), -1)
            .toBuilder()
            .policies(new PolicySpec(OptionalInt.empty(), true, Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty()))
            .build();
    RouteGroup canaryGroup =
        new RouteGroup(mnist, List.of(route(main, 90), route(canary, 10)), List.of(route(shadow, 0)), false);

    MatchSpec api =
        new MatchSpec(
            "^/api/v[0-9]+/", true, false, false, "POST", false, List.of(),
            "api.example.com", false, List.of(new Condition("debug", Condition.Kind.PRESENT, "")), 5);
    Cors cors = new Cors(List.of("https://app.example.com"), List.of("POST"), List.of(), true, List.of(),
        OptionalLong.of(600));
    ForwardSpec forward =
        new ForwardSpec(
            "/", Optional.of(new RegexRewrite("^/api/v([0-9]+)/(.*)", "/v\\1/\\2")), "backend.internal", false,
            List.of(), List.of(), List.of(), List.of(), OptionalLong.of(10_000), OptionalLong.empty(),
            OptionalLong.of(60_000), false, List.of(), OptionalLong.empty());
    Mapping apiMapping =
        Mapping.builder("api", "/", new ServiceRef("api:8080", false, "api.default", 8080))
            .match(api)
            .namespace("default")
            .source("api.default")
            .objectId("api.default.1")
            .forward(forward)
            .policies(new PolicySpec(OptionalInt.empty(), false, Optional.of(cors), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty()))
            .informational(Map.of("docs", Map.of("path", "/openapi.json")))
            .build();
    RouteGroup apiGroup = new RouteGroup(api, List.of(route(apiMapping, 100)), List.of(), false);

    return table(
        List.of(canaryGroup, apiGroup),
        List.of(new ConfigError("broken.default", "broken.default.2", "timeout_ms",
            "timeout_ms: \"3s\" (expected: integer milliseconds)")),
        List.of(new Skipped("other.default", "other.default.1", "Mapping",
            "ambassador_id [blue] does not include default")),
        List.of(
            new SourceInfo("mnist.kubeflow", "kubeflow", 3, 0, false),
            new SourceInfo("api.default", "default", 1, 0, false),
            new SourceInfo("broken.default", "default", 2, 1, true)),
        7,
        BUILT_AT);
  }

  /** One route whose prefix, name and error message carry markup, as a hostile annotation would. */
  public static RouteTable hostileTable() {
    Mapping m =
        Mapping.builder("<b>bold</b>", "/x/<script>alert('prefix')</script>/",
                new ServiceRef("evil\"svc", false, "evil.default", 80))
            .source("evil.<i>default</i>")
            .objectId("evil.default.1")
            .build();
    RouteGroup g = new RouteGroup(m.match(), List.of(route(m, 100)), List.of(), false);
    return table(
        List.of(g),
        List.of(new ConfigError("evil.default", "evil.default.2", "prefix",
            "prefix: \"<script>alert(1)</script>\" (expected: a path)")),
        List.of(new Skipped("evil.default", "evil.default.3", "<img src=x onerror=alert(2)>", "unsupported kind")),
        List.of(new SourceInfo("evil.default", "default&co", 3, 1, false)),
        1,
        BUILT_AT);
  }

  private static Mapping mapping(String name, int index, MatchSpec match, ServiceRef service, int weight) {
    return Mapping.builder(name, "/", service)
        .match(match)
        .namespace("kubeflow")
        .source("mnist.kubeflow")
        .objectId("mnist.kubeflow." + index)
        .policies(new PolicySpec(weight < 0 ? OptionalInt.empty() : OptionalInt.of(weight), false, Optional.empty(),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty()))
        .build();
  }
}
