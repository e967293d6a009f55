package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** {@link RouteGroup#pick} fed by a real random source splits traffic as the weights say. */
class CanarySamplerTest {

  private static Route route(String name, double weight) {
    Mapping m = Mapping.builder(name, "/p/", new ServiceRef(name, false, name + ".default", 80)).build();
    return new Route(m, weight, 3000, 3000, 0, List.of(), List.of(), Optional.empty(), p -> p);
  }

  private static RouteGroup group(double stable, double canary) {
    return new RouteGroup(
        MatchSpec.prefix("/p/"), List.of(route("stable", stable), route("canary", canary)), List.of(), false);
  }

  private static int stablePicks(RouteGroup g, int n, java.util.function.DoubleSupplier u) {
    int stable = 0;
    for (int i = 0; i < n; i++) if (g.pick(u.getAsDouble()).mapping().name().equals("stable")) stable++;
    return stable;
  }

  @Test
  void tenThousandSeededPicksAt90To10LandWithinFiveSigma() {
    // sd = sqrt(10000 * 0.9 * 0.1) = 30: the band is 5 sd wide each way, and the seed makes it repeatable.
    Random random = new Random(20240601L);
    assertThat(stablePicks(group(90, 10), 10_000, random::nextDouble)).isBetween(8_850, 9_150);
  }

  @Test
  void aHundredThousandThreadLocalPicksLandWithinOnePercent() {
    // sd = sqrt(100000 * 0.09) ~ 95: +-1000 is over 10 sd, so this never flakes unless the split is wrong.
    int stable = stablePicks(group(90, 10), 100_000, () -> ThreadLocalRandom.current().nextDouble());
    assertThat(stable).isBetween(89_000, 91_000);
  }

  @Test
  void theSeededSplitHoldsForEveryCanaryShare() {
    Random random = new Random(7);
    for (int canary : new int[] {1, 5, 25, 50}) {
      int n = 10_000;
      int expected = n * (100 - canary) / 100;
      double sd = Math.sqrt(n * (canary / 100.0) * (1 - canary / 100.0));
      int stable = stablePicks(group(100 - canary, canary), n, random::nextDouble);
      assertThat(stable).as("canary %d%%", canary).isBetween(expected - (int) (5 * sd), expected + (int) (5 * sd));
    }
  }

  @Test
  void theWeightBoundariesAreExact() {
    RouteGroup g = group(90, 10);
    assertThat(g.pick(0.0).mapping().name()).isEqualTo("stable");
    assertThat(g.pick(0.8999).mapping().name()).isEqualTo("stable");
    assertThat(g.pick(0.9).mapping().name()).isEqualTo("canary");
    assertThat(g.pick(Math.nextDown(1.0)).mapping().name()).isEqualTo("canary");
  }

  @Test
  void aZeroWeightMemberIsNeverPicked() {
    Random random = new Random(1);
    assertThat(stablePicks(group(100, 0), 10_000, random::nextDouble)).isEqualTo(10_000);
  }
}
