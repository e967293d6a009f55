package io.dragoman.gateway.routing;

import static io.dragoman.gateway.routing.Fixtures.plain;
import static io.dragoman.gateway.routing.Fixtures.shadow;
import static io.dragoman.gateway.routing.Fixtures.source;
import static io.dragoman.gateway.routing.Fixtures.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.routing.Fixtures.Request;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanaryGroupTest {

  private static Map<String, Double> weights(RouteGroup g) {
    Map<String, Double> out = new TreeMap<>();
    for (Route r : g.members()) out.put(r.mapping().name(), r.weightPercent());
    return out;
  }

  private static RouteGroup only(RouteTable table) {
    assertThat(table.groups()).hasSize(1);
    return table.groups().get(0);
  }

  @Test
  void aSingleUnweightedMappingTakesAll() {
    assertThat(weights(only(Fixtures.build(plain("a", "/p/"))))).isEqualTo(Map.of("a", 100.0));
  }

  @Test
  void unweightedMembersShareWhatWeightedOnesLeave() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 40), plain("b", "/p/"), plain("c", "/p/")));
    assertThat(weights(g)).isEqualTo(Map.of("a", 40.0, "b", 30.0, "c", 30.0));
  }

  @Test
  void unweightedMembersGetNothingWhenWeightedOnesTakeAll() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 100), plain("b", "/p/")));
    assertThat(weights(g)).isEqualTo(Map.of("a", 100.0, "b", 0.0));
  }

  @Test
  void weightsNotSummingTo100AreScaled() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 10), weighted("b", "/p/", 30)));
    assertThat(weights(g)).isEqualTo(Map.of("a", 25.0, "b", 75.0));
  }

  @Test
  void aLoneWeightedMemberIsScaledTo100() {
    assertThat(weights(only(Fixtures.build(weighted("a", "/p/", 30))))).isEqualTo(Map.of("a", 100.0));
  }

  @Test
  void allZeroWeightsShareEqually() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 0), weighted("b", "/p/", 0)));
    assertThat(weights(g)).isEqualTo(Map.of("a", 50.0, "b", 50.0));
  }

  @Test
  void weightsSummingTo100AreKept() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 90), weighted("b", "/p/", 10)));
    assertThat(weights(g)).isEqualTo(Map.of("a", 90.0, "b", 10.0));
  }

  @Test
  void membersAreOrderedByNamespaceThenName() {
    Mapping z = Fixtures.mapping("z", "/p/").namespace("alpha").build();
    Mapping a = Fixtures.mapping("a", "/p/").namespace("beta").build();
    Mapping b = Fixtures.mapping("b", "/p/").namespace("alpha").build();
    RouteGroup g = only(Fixtures.build(a, z, b));
    assertThat(g.members()).extracting(r -> r.mapping().namespace() + "/" + r.mapping().name())
        .containsExactly("alpha/b", "alpha/z", "beta/a");
    assertThat(g.sharedAcrossNamespaces()).isTrue();
  }

  @Test
  void oneNamespaceIsNotShared() {
    assertThat(only(Fixtures.build(plain("a", "/p/"), plain("b", "/p/"))).sharedAcrossNamespaces()).isFalse();
  }

  @Test
  void differentConditionsAreDifferentGroups() {
    Mapping post = Fixtures.mapping("post", "/p/")
        .match(Fixtures.Spec.of("/p/").method("POST").build()).build();
    RouteTable table = Fixtures.build(plain("a", "/p/"), post);
    assertThat(table.groups()).hasSize(2);
  }

  @Test
  void shadowsTakeNoShare() {
    RouteGroup g = only(Fixtures.build(plain("a", "/p/"), shadow("copy", "/p/"), weighted("b", "/p/", 20)));
    assertThat(weights(g)).isEqualTo(Map.of("a", 80.0, "b", 20.0));
    assertThat(g.shadows()).extracting(r -> r.mapping().name() + "=" + r.weightPercent())
        .containsExactly("copy=0.0");
  }

  @Test
  void aShadowFromAnotherNamespaceMarksTheGroupShared() {
    Mapping copy = Fixtures.mapping("copy", "/p/").namespace("other").policies(Fixtures.policy(null, true)).build();
    assertThat(only(Fixtures.build(plain("a", "/p/"), copy)).sharedAcrossNamespaces()).isTrue();
  }

  @Test
  void aShadowWithoutPrimaryIsAnErrorAndLeftOut() {
    RouteTable table = Fixtures.build(shadow("copy", "/p/"), plain("other", "/q/"));
    assertThat(table.groups()).extracting(g -> g.match().prefix()).containsExactly("/q/");
    assertThat(table.errors()).containsExactly(new ConfigError("s", "copy", "shadow",
        "shadow without a primary Mapping for prefix /p/ (expected: a Mapping without shadow and the same match"
            + " conditions)"));
  }

  @Test
  void overcommittedWeightsAreAnErrorOnEachWeightedMemberAndTheGroupIsLeftOut() {
    RouteTable table = Fixtures.build(
        weighted("a", "/p/", 70), weighted("b", "/p/", 50), plain("c", "/p/"), plain("other", "/q/"));
    String message = "the weights of the group for prefix /p/ sum to 120 next to unweighted members"
        + " (expected: at most 100); the group is left out";
    assertThat(table.errors()).containsExactly(
        new ConfigError("s", "a", "weight", message), new ConfigError("s", "b", "weight", message));
    assertThat(table.groups()).extracting(g -> g.match().prefix()).containsExactly("/q/");
    assertThat(table.match(Request.get("/p/x"))).isNull();
  }

  @Test
  void overcommittedWeightsKeepThePreviousGroupServing() {
    RouteTableBuilder builder = new RouteTableBuilder(Fixtures.CLOCK);
    RouteTable good = builder.build(
        List.of(source("s", weighted("a", "/p/", 70), plain("c", "/p/"))), RouteTable.empty());
    RouteGroup before = good.groups().get(0);
    assertThat(weights(before)).isEqualTo(Map.of("a", 70.0, "c", 30.0));

    RouteTable bad = builder.build(
        List.of(source("s", weighted("a", "/p/", 70), weighted("b", "/p/", 50), plain("c", "/p/"))), good);
    assertThat(bad.groups()).containsExactly(before);
    assertThat(bad.match(Request.get("/p/x"))).isSameAs(before);
    assertThat(bad.errors()).extracting(ConfigError::object).containsExactly("a", "b");
    assertThat(bad.errors().get(0).message()).endsWith("; the previous routes keep serving");
    assertThat(bad.errors().get(0).message()).contains("sum to 120");

    // fixing it builds the group afresh
    RouteTable fixed = builder.build(
        List.of(source("s", weighted("a", "/p/", 50), weighted("b", "/p/", 50), plain("c", "/p/"))), bad);
    assertThat(fixed.errors()).isEmpty();
    assertThat(weights(fixed.groups().get(0))).isEqualTo(Map.of("a", 50.0, "b", 50.0, "c", 0.0));
  }

  @Test
  void allWeightedOver100IsScaledNotAnError() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 100), weighted("b", "/p/", 100)));
    assertThat(weights(g)).isEqualTo(Map.of("a", 50.0, "b", 50.0));
  }

  @Test
  void eachMemberKeepsItsOwnRewrite() {
    Mapping a = Fixtures.mapping("a", "/p/").forward(Fixtures.rewrite("/one/")).build();
    Mapping b = Fixtures.mapping("b", "/p/").forward(Fixtures.rewrite("/two/")).build();
    RouteGroup g = only(Fixtures.build(a, b));
    assertThat(g.members()).extracting(r -> r.forwardPath("/p/x", "")).containsExactly("/one/x", "/two/x");
  }

  @Test
  void pickFollowsEffectiveWeights() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 10), weighted("b", "/p/", 30)));
    // a: [0, 25), b: [25, 100)
    assertThat(g.pick(0.0).mapping().name()).isEqualTo("a");
    assertThat(g.pick(0.2499).mapping().name()).isEqualTo("a");
    assertThat(g.pick(0.25).mapping().name()).isEqualTo("b");
    assertThat(g.pick(0.9999).mapping().name()).isEqualTo("b");
  }

  @Test
  void pickDistributionOverEvenlySpacedDraws() {
    RouteGroup g = only(Fixtures.build(weighted("a", "/p/", 20), plain("b", "/p/"), plain("c", "/p/"),
        weighted("zero", "/p/", 0)));
    Map<String, Integer> counts = new TreeMap<>();
    int n = 10_000;
    for (int i = 0; i < n; i++) counts.merge(g.pick((i + 0.5) / n).mapping().name(), 1, Integer::sum);
    assertThat(counts).isEqualTo(Map.of("a", 2000, "b", 4000, "c", 4000));
  }

  @Test
  void pickNeverFallsOffTheEndWhenSharesDoNotAddUpExactly() {
    RouteGroup g = only(Fixtures.build(plain("a", "/p/"), plain("b", "/p/"), plain("c", "/p/"),
        weighted("z", "/p/", 0)));
    assertThat(g.members()).extracting(Route::weightPercent).containsExactly(100.0 / 3, 100.0 / 3, 100.0 / 3, 0.0);
    assertThat(g.pick(Math.nextDown(1.0)).mapping().name()).isEqualTo("c");
  }
}
