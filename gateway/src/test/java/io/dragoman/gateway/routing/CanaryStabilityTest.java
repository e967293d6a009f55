package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.PolicySpec;
import io.dragoman.gateway.mapping.ServiceRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A canary split holds across table swaps: rebuilding for unrelated changes never shifts the shares. */
class CanaryStabilityTest {
  private static Mapping member(String name, int weight) {
    return Mapping.builder(name, "/rank/", new ServiceRef(name, false, name + ".ns", 80)).namespace("ns")
        .source("rank.ns").objectId("rank.ns." + name)
        .policies(new PolicySpec(OptionalInt.of(weight), false, Optional.empty(), Optional.empty(), List.of(),
            Optional.empty(), Optional.empty()))
        .build();
  }

  private static ParsedSource source(String key, List<Mapping> mappings) {
    return new ParsedSource(key, "ns", mappings, List.of(), List.of(), List.of(), mappings.size(), false);
  }

  @Test
  void sharesStayWithinTheBandAcrossFiftySwaps() {
    RouteTableBuilder builder = new RouteTableBuilder(Clock.systemUTC());
    ParsedSource canary = source("rank.ns", List.of(member("stable", 90), member("candidate", 10)));
    RouteTable table = builder.build(List.of(canary), RouteTable.empty());
    Random random = new Random(7);
    int candidate = 0;
    int total = 0;
    for (int swap = 0; swap < 50; swap++) {
      List<Mapping> others = new ArrayList<>();
      for (int i = 0; i <= swap % 5; i++) {
        others.add(Mapping.builder("other-" + i, "/other-" + swap + "-" + i + "/",
            new ServiceRef("o", false, "o.ns", 80)).namespace("ns").source("other.ns").objectId("other.ns." + i).build());
      }
      table = builder.build(List.of(canary, source("other.ns", others)), table);
      RouteGroup group = table.groups().stream().filter(g -> g.match().prefix().equals("/rank/")).findFirst().orElseThrow();
      // members are ordered by namespace and name: candidate, then stable
      assertThat(group.members()).extracting(r -> r.mapping().name() + "=" + r.weightPercent())
          .containsExactly("candidate=10.0", "stable=90.0");
      for (int i = 0; i < 200; i++) {
        if (group.pick(random.nextDouble()).mapping().name().equals("candidate")) candidate++;
        total++;
      }
    }
    // 10,000 picks at 10 %: 1,000 expected, standard deviation 30; a band of 5 sigma never flakes.
    assertThat(total).isEqualTo(10_000);
    assertThat(candidate).isBetween(850, 1150);
  }
}
