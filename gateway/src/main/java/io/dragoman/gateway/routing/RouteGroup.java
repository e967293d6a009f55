package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.MatchSpec;
import java.util.List;
import java.util.Objects;

/**
 * Mappings with identical match conditions: a canary group. {@code members} carry effective weights summing to 100;
 * {@code shadows} receive a copy of each request.
 *
 * @param sharedAcrossNamespaces members come from more than one namespace: an operator should see it
 */
public record RouteGroup(
    MatchSpec match, List<Route> members, List<Route> shadows, boolean sharedAcrossNamespaces) {

  public RouteGroup {
    Objects.requireNonNull(match, "match");
    members = List.copyOf(members);
    shadows = List.copyOf(shadows);
  }

  /**
   * Picks a member by effective weight.
   *
   * @param u a uniform random number in [0, 1)
   */
  public Route pick(double u) {
    if (members.size() == 1) return members.get(0);
    double point = u * 100.0;
    double acc = 0;
    for (Route r : members) {
      acc += r.weightPercent();
      if (point < acc) return r;
    }
    // Rounding can leave the sum a hair under 100: the last member with any weight takes the rest.
    for (int i = members.size() - 1; i >= 0; i--) {
      if (members.get(i).weightPercent() > 0) return members.get(i);
    }
    return members.get(members.size() - 1);
  }
}
