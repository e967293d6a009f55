package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the Mappings that share one {@link MatchSpec} into a {@link RouteGroup}: members ordered by namespace then
 * name, shadows apart with weight 0, effective weights by {@link CanaryWeights}. A group is shared across
 * namespaces when its Mappings (members or shadows) come from more than one namespace.
 */
final class CanaryGroups {
  /** A Mapping whose regexes compiled, with its rewriter. */
  record Candidate(Mapping mapping, PathRewriter rewriter) {}

  private static final Comparator<Candidate> BY_NAME =
      Comparator.comparing((Candidate c) -> c.mapping().namespace()).thenComparing(c -> c.mapping().name());

  private final RouteDefaults defaults;
  private final List<ConfigError> errors;

  CanaryGroups(RouteDefaults defaults, List<ConfigError> errors) {
    this.defaults = defaults;
    this.errors = errors;
  }

  /**
   * @param previous the group with the same spec in the table serving now, or null
   * @return the group; {@code previous} when the weights cannot be resolved; null when nothing can serve
   */
  RouteGroup assemble(MatchSpec spec, List<Candidate> candidates, RouteGroup previous) {
    List<Candidate> primaries = new ArrayList<>();
    List<Candidate> shadowed = new ArrayList<>();
    for (Candidate c : candidates) (c.mapping().policies().shadow() ? shadowed : primaries).add(c);
    primaries.sort(BY_NAME);
    shadowed.sort(BY_NAME);
    if (primaries.isEmpty()) {
      for (Candidate c : shadowed) {
        errors.add(error(c.mapping(), "shadow",
            "shadow without a primary Mapping for prefix " + spec.prefix()
                + " (expected: a Mapping without shadow and the same match conditions)"));
      }
      return null;
    }
    List<OptionalInt> weights = new ArrayList<>();
    for (Candidate c : primaries) weights.add(c.mapping().policies().weight());
    double[] percents = CanaryWeights.resolve(weights);
    if (percents == null) {
      reportOvercommitted(spec, primaries, CanaryWeights.weightedSum(weights), previous != null);
      return previous;
    }
    List<Route> members = new ArrayList<>();
    for (int i = 0; i < primaries.size(); i++) members.add(route(primaries.get(i), percents[i]));
    List<Route> shadows = new ArrayList<>();
    for (Candidate c : shadowed) shadows.add(route(c, 0));
    return new RouteGroup(spec, members, shadows, namespaces(candidates) > 1);
  }

  private Route route(Candidate c, double percent) {
    return defaults.route(c.mapping(), percent, c.rewriter());
  }

  private void reportOvercommitted(MatchSpec spec, List<Candidate> primaries, int sum, boolean previousServes) {
    String message =
        "the weights of the group for prefix " + spec.prefix() + " sum to " + sum
            + " next to unweighted members (expected: at most 100); "
            + (previousServes ? "the previous routes keep serving" : "the group is left out");
    for (Candidate c : primaries) {
      if (c.mapping().policies().weight().isPresent()) errors.add(error(c.mapping(), "weight", message));
    }
  }

  private static int namespaces(List<Candidate> candidates) {
    Set<String> seen = new HashSet<>();
    for (Candidate c : candidates) seen.add(c.mapping().namespace());
    return seen.size();
  }

  static ConfigError error(Mapping m, String field, String message) {
    return new ConfigError(m.source(), objectName(m), field, message);
  }

  /** The object as ConfigError names it: its name, or its {@code <key>.<index>} when it has none. */
  static String objectName(Mapping m) {
    return m.name().isEmpty() ? m.objectId() : m.name();
  }
}
