package io.dragoman.gateway.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the first group, in table order, whose conditions a request meets, without testing every group.
 *
 * <p>Case-sensitive prefixes sit in a {@link PrefixIndex}: one pass over the request path probes each prefix length
 * in use, so only the groups whose prefix begins the path are visited. A regex prefix sits there under its literal
 * start ({@code /svc-[0-9]+/.*} under {@code /svc-}), which every path it matches begins with. Exact paths sit in a
 * hash map. Case-insensitive prefixes and regexes without a literal start are tested in order. Each candidate list
 * is in table order, and a candidate is tested only while its position is before the best match found so far, so
 * the answer is exactly a linear scan's.
 */
final class IndexedRouteMatcher implements RouteMatcher {
  private static final int[] NONE = new int[0];

  private final RouteGroup[] groups;
  private final CompiledMatch[] matches;
  private final PrefixIndex prefixes;
  private final int[] lengths;
  private final Map<String, int[]> exact;
  private final int[] unindexed;

  private IndexedRouteMatcher(
      RouteGroup[] groups, CompiledMatch[] matches, PrefixIndex prefixes, Map<String, int[]> exact, int[] unindexed) {
    this.groups = groups;
    this.matches = matches;
    this.prefixes = prefixes;
    this.lengths = prefixes.lengths();
    this.exact = exact;
    this.unindexed = unindexed;
  }

  /**
   * @param groups in table order
   * @param matches the compiled match of each group, same order
   */
  static IndexedRouteMatcher of(List<RouteGroup> groups, List<CompiledMatch> matches) {
    Map<String, List<Integer>> prefixed = new HashMap<>();
    Map<String, List<Integer>> exact = new HashMap<>();
    List<Integer> unindexed = new ArrayList<>();
    for (int i = 0; i < matches.size(); i++) {
      CompiledMatch m = matches.get(i);
      String key = m.indexKey();
      if (key == null || key.isEmpty()) {
        unindexed.add(i);
      } else if (m.spec().prefixExact() && !m.spec().prefixRegex()) {
        exact.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      } else {
        prefixed.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    return new IndexedRouteMatcher(
        groups.toArray(new RouteGroup[0]),
        matches.toArray(new CompiledMatch[0]),
        new PrefixIndex(arrays(prefixed)),
        arrays(exact),
        PrefixIndex.toArray(unindexed));
  }

  @Override
  public RouteGroup match(RequestView request) {
    String path = request.path();
    int best = firstMatch(exact.getOrDefault(path, NONE), request, Integer.MAX_VALUE);
    // One pass over the path: at each prefix length in use, probe with the hash of the path's start so far.
    int hash = 0;
    int limit = path.length();
    for (int i = 0, next = 0; next < lengths.length && lengths[next] <= limit; i++) {
      if (i == lengths[next]) {
        best = firstMatch(prefixes.candidatesOf(path, i, hash), request, best);
        next++;
      }
      if (i < limit) hash = 31 * hash + path.charAt(i);
    }
    best = firstMatch(unindexed, request, best);
    return best == Integer.MAX_VALUE ? null : groups[best];
  }

  /** The first candidate before {@code best} that matches, else {@code best}. Candidates are ascending. */
  private int firstMatch(int[] candidates, RequestView request, int best) {
    for (int index : candidates) {
      if (index >= best) return best;
      if (matches[index].matches(request)) return index;
    }
    return best;
  }

  private static Map<String, int[]> arrays(Map<String, List<Integer>> lists) {
    Map<String, int[]> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, PrefixIndex.toArray(v)));
    return out;
  }
}
