package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.MatchSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Optional policy: the namespace that first claimed a match keeps it; later claims from other namespaces are errors
 * instead of a silent canary split of someone else's traffic. "First" is the namespace serving it in the previous
 * table; for a match nobody served yet, the claim from the first source in key order.
 */
final class PrefixOwnership {
  private PrefixOwnership() {}

  static void enforce(
      Map<MatchSpec, List<CanaryGroups.Candidate>> bySpec, Map<MatchSpec, RouteGroup> before, List<ConfigError> errors) {
    for (Map.Entry<MatchSpec, List<CanaryGroups.Candidate>> e : bySpec.entrySet()) {
      List<CanaryGroups.Candidate> claims = e.getValue();
      if (claims.stream().map(c -> c.mapping().namespace()).distinct().count() < 2) continue;
      String owner = owner(e.getKey(), claims, before.get(e.getKey()));
      claims.removeIf(c -> {
        if (c.mapping().namespace().equals(owner)) return false;
        errors.add(CanaryGroups.error(c.mapping(), "prefix", "prefix: \"" + e.getKey().prefix()
            + "\" (expected: a prefix not already owned by namespace " + owner + ")"));
        return true;
      });
    }
  }

  private static String owner(MatchSpec spec, List<CanaryGroups.Candidate> claims, RouteGroup previous) {
    if (previous != null && !previous.members().isEmpty()) {
      String ns = previous.members().get(0).mapping().namespace();
      if (claims.stream().anyMatch(c -> c.mapping().namespace().equals(ns))) return ns;
    }
    return claims.stream()
        .min(Comparator.comparing((CanaryGroups.Candidate c) -> c.mapping().source())
            .thenComparing(c -> c.mapping().objectId()))
        .orElseThrow()
        .mapping()
        .namespace();
  }
}
