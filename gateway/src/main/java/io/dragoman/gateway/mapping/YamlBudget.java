package io.dragoman.gateway.mapping;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

/**
 * Counts the values in a parsed YAML tree, visiting shared (aliased) nodes once per reference, and stops at a
 * budget. Values kept as-is for diagnostics must pass it: a few aliases can make a tree that is exponentially large
 * when walked (or endless, if it refers to itself), and whoever renders it later must not pay for that.
 */
final class YamlBudget {
  static final int MAX_VALUES = 1_000;

  private YamlBudget() {}

  static boolean fits(Object root, int budget) {
    Deque<Object> todo = new ArrayDeque<>();
    todo.push(root == null ? "" : root);
    int seen = 0;
    while (!todo.isEmpty()) {
      if (++seen > budget) return false;
      Object v = todo.pop();
      if (v instanceof Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          push(todo, e.getKey());
          push(todo, e.getValue());
        }
      } else if (v instanceof Collection<?> c) {
        for (Object e : c) push(todo, e);
      }
      if (todo.size() > budget) return false;
    }
    return true;
  }

  private static void push(Deque<Object> todo, Object v) {
    todo.push(v == null ? "" : v);
  }
}
