package io.dragoman.gateway.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the first group, in table order, whose conditions a request meets, without testing every group.
 *
 * <p>Case-sensitive prefixes sit in a character trie: walking the request path visits only the groups whose
 * prefix is a prefix of the path. A regex prefix sits there under its literal start ({@code /svc-[0-9]+/.*} under
 * {@code /svc-}), which every path it matches begins with. Exact paths sit in a hash map. Case-insensitive prefixes
 * and regexes without a literal start are tested in order. Each candidate list is in table order, and a candidate is tested only while its
 * position is before the best match found so far, so the answer is exactly a linear scan's.
 */
final class IndexedRouteMatcher implements RouteMatcher {
  private static final int[] NONE = new int[0];

  private final RouteGroup[] groups;
  private final CompiledMatch[] matches;
  private final Node root;
  private final Map<String, int[]> exact;
  private final int[] unindexed;

  private IndexedRouteMatcher(
      RouteGroup[] groups, CompiledMatch[] matches, Node root, Map<String, int[]> exact, int[] unindexed) {
    this.groups = groups;
    this.matches = matches;
    this.root = root;
    this.exact = exact;
    this.unindexed = unindexed;
  }

  /**
   * @param groups in table order
   * @param matches the compiled match of each group, same order
   */
  static IndexedRouteMatcher of(List<RouteGroup> groups, List<CompiledMatch> matches) {
    NodeBuilder trie = new NodeBuilder();
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
        trie.add(key, i);
      }
    }
    Map<String, int[]> exactArrays = new HashMap<>();
    exact.forEach((k, v) -> exactArrays.put(k, toArray(v)));
    return new IndexedRouteMatcher(
        groups.toArray(new RouteGroup[0]),
        matches.toArray(new CompiledMatch[0]),
        trie.freeze(),
        exactArrays,
        toArray(unindexed));
  }

  @Override
  public RouteGroup match(RequestView request) {
    String path = request.path();
    int best = firstMatch(exact.getOrDefault(path, NONE), request, Integer.MAX_VALUE);
    Node node = root;
    for (int i = 0; node != null; i++) {
      best = firstMatch(node.groups, request, best);
      if (i == path.length()) break;
      node = node.child(path.charAt(i));
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

  private static int[] toArray(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) out[i] = list.get(i);
    return out;
  }

  /** An immutable trie node; children sorted by character for binary search. */
  private static final class Node {
    final char[] keys;
    final Node[] children;
    final int[] groups;

    Node(char[] keys, Node[] children, int[] groups) {
      this.keys = keys;
      this.children = children;
      this.groups = groups;
    }

    Node child(char c) {
      int lo = 0;
      int hi = keys.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        char k = keys[mid];
        if (k < c) lo = mid + 1;
        else if (k > c) hi = mid - 1;
        else return children[mid];
      }
      return null;
    }
  }

  private static final class NodeBuilder {
    final TreeMap<Character, NodeBuilder> children = new TreeMap<>();
    final List<Integer> groups = new ArrayList<>();
    Node frozen;

    void add(String prefix, int index) {
      NodeBuilder node = this;
      for (int i = 0; i < prefix.length(); i++) {
        node = node.children.computeIfAbsent(prefix.charAt(i), c -> new NodeBuilder());
      }
      node.groups.add(index);
    }

    /** Iterative, children before parents: a very long prefix must not overflow the stack. */
    Node freeze() {
      List<NodeBuilder> preOrder = new ArrayList<>();
      ArrayDeque<NodeBuilder> stack = new ArrayDeque<>();
      stack.push(this);
      while (!stack.isEmpty()) {
        NodeBuilder b = stack.pop();
        preOrder.add(b);
        b.children.values().forEach(stack::push);
      }
      for (int i = preOrder.size() - 1; i >= 0; i--) preOrder.get(i).freezeOne();
      return frozen;
    }

    private void freezeOne() {
      char[] keys = new char[children.size()];
      Node[] nodes = new Node[children.size()];
      int i = 0;
      for (Map.Entry<Character, NodeBuilder> e : children.entrySet()) {
        keys[i] = e.getKey();
        nodes[i++] = e.getValue().frozen;
      }
      frozen = new Node(keys, nodes, groups.isEmpty() ? NONE : toArray(groups));
    }
  }
}
