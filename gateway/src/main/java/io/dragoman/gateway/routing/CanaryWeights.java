package io.dragoman.gateway.routing;

import java.util.List;
import java.util.OptionalInt;

/**
 * The canary weight rules of a group's non-shadow members, as one pure function:
 *
 * <ul>
 *   <li>unweighted members share equally what the weighted ones leave ({@code 100 - sum}); when the weighted ones
 *       take exactly 100 the unweighted ones get 0;
 *   <li>when every member has a weight and they do not sum to 100 they are scaled to 100 (10 and 30 become 25 and
 *       75); when they are all 0 every member gets an equal share, so a group never routes nowhere by arithmetic;
 *   <li>weighted members summing over 100 next to unweighted ones cannot be resolved: {@link #resolve} returns
 *       {@code null} and the caller reports the group.
 * </ul>
 */
final class CanaryWeights {
  private CanaryWeights() {}

  /** The sum of the weights that are set. */
  static int weightedSum(List<OptionalInt> weights) {
    int sum = 0;
    for (OptionalInt w : weights) sum += w.orElse(0);
    return sum;
  }

  /**
   * @param weights each member's {@code weight}, empty when unset
   * @return effective percentages in member order, summing to 100; {@code null} when unresolvable
   */
  static double[] resolve(List<OptionalInt> weights) {
    int n = weights.size();
    int sum = weightedSum(weights);
    int unweighted = 0;
    for (OptionalInt w : weights) if (w.isEmpty()) unweighted++;
    double[] out = new double[n];
    if (unweighted > 0) {
      if (sum > 100) return null;
      double share = (100.0 - sum) / unweighted;
      for (int i = 0; i < n; i++) out[i] = weights.get(i).isPresent() ? weights.get(i).getAsInt() : share;
      return out;
    }
    for (int i = 0; i < n; i++) {
      out[i] = sum == 0 ? 100.0 / n : weights.get(i).getAsInt() * 100.0 / sum;
    }
    return out;
  }
}
