package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ServiceRef;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamPolicyTest {
  private static Mapping mapping(String name, String ns, String prefix, String host, String source) {
    return Mapping.builder(name, prefix, new ServiceRef(host, false, host, 80)).namespace(ns).source(source)
        .objectId(source + ".1").build();
  }

  private static RouteTable build(UpstreamPolicy policy, RouteTable previous, Mapping... mappings) {
    List<ParsedSource> sources = new java.util.ArrayList<>();
    for (Mapping m : mappings) {
      sources.add(new ParsedSource(m.source(), m.namespace(), List.of(m), List.of(), List.of(), List.of(), 1, false));
    }
    return new RouteTableBuilder(Clock.systemUTC(), policy).build(sources, previous);
  }

  @ParameterizedTest
  @ValueSource(strings = {"169.254.169.254", "169.254.0.1", "[fd00:ec2::254]", "[fe80::1]", "metadata.google.internal",
      "metadata", "kubernetes.default", "kubernetes.default.svc.cluster.local", "KUBERNETES.default.svc."})
  void refusesMetadataLinkLocalAndApiServerUpstreams(String host) {
    RouteTable t = build(UpstreamPolicy.DEFAULTS, RouteTable.empty(), mapping("m", "ns", "/m/", host, "m.ns"));

    assertThat(t.groups()).isEmpty();
    assertThat(t.errors()).singleElement().satisfies(e -> {
      assertThat(e.source()).isEqualTo("m.ns");
      assertThat(e.field()).isEqualTo("service");
      assertThat(e.message()).startsWith("service: \"" + host + "\" (expected: not ");
    });
  }

  @Test
  void anOperatorMayAllowLinkLocal() {
    RouteTable t = build(new UpstreamPolicy(true, false, Set.of(), false), RouteTable.empty(),
        mapping("m", "ns", "/m/", "169.254.1.1", "m.ns"));

    assertThat(t.errors()).isEmpty();
    assertThat(t.groups()).hasSize(1);
  }

  @Test
  void allowedNamespacesRestrictInClusterTargetsAndRefuseTheRest() {
    UpstreamPolicy p = new UpstreamPolicy(false, false, Set.of("models", "web"), false);
    RouteTable t = build(p, RouteTable.empty(),
        mapping("a", "x", "/a/", "tf.models", "a.x"),
        mapping("b", "x", "/b/", "site.web.svc.cluster.local", "b.x"),
        mapping("c", "x", "/c/", "db.secrets", "c.x"),
        mapping("d", "x", "/d/", "httpbin.org.example", "d.x"),
        mapping("e", "x", "/e/", "10.0.0.7", "e.x"));

    assertThat(t.groups()).extracting(g -> g.members().get(0).mapping().name()).containsExactlyInAnyOrder("a", "b");
    assertThat(t.errors()).extracting(e -> e.object()).containsExactlyInAnyOrder("c", "d", "e");
    assertThat(t.errors().get(0).message()).contains("allowed namespaces models, web");
  }

  @Test
  void withOwnershipALaterNamespaceCannotSplitAClaimedPrefix() {
    UpstreamPolicy p = new UpstreamPolicy(false, false, Set.of(), true);
    RouteTable first = build(p, RouteTable.empty(), mapping("mine", "team-b", "/shop/", "shop.team-b", "z.team-b"));
    RouteTable second = build(p, first,
        mapping("mine", "team-b", "/shop/", "shop.team-b", "z.team-b"),
        mapping("theirs", "team-a", "/shop/", "evil.team-a", "a.team-a"));

    assertThat(second.groups()).singleElement().satisfies(g ->
        assertThat(g.members()).extracting(r -> r.mapping().namespace()).containsExactly("team-b"));
    assertThat(second.errors()).singleElement().satisfies(e -> {
      assertThat(e.object()).isEqualTo("theirs");
      assertThat(e.message()).isEqualTo("prefix: \"/shop/\" (expected: a prefix not already owned by namespace team-b)");
    });
  }

  @Test
  void withoutOwnershipTwoNamespacesShareAGroupAndDiagnosticsSeesIt() {
    RouteTable t = build(UpstreamPolicy.DEFAULTS, RouteTable.empty(),
        mapping("mine", "team-b", "/shop/", "shop.team-b", "z.team-b"),
        mapping("theirs", "team-a", "/shop/", "evil.team-a", "a.team-a"));

    assertThat(t.errors()).isEmpty();
    assertThat(t.groups()).singleElement().satisfies(g -> assertThat(g.sharedAcrossNamespaces()).isTrue());
  }
}
