package io.dragoman.kubeflow.controller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Decision} into a JSON Patch (RFC 6902) over the controller's own annotation keys. A JSON Patch
 * {@code remove} really removes a key, where a merge patch with null may leave it behind; and touching one key at a
 * time leaves every other annotation as it is.
 */
final class AnnotationPatch {
  private static final String ANNOTATIONS = "/metadata/annotations";

  private AnnotationPatch() {}

  /**
   * The operations that bring {@code current} to what {@code decision} wants; empty when nothing changes.
   *
   * @param current the Service's annotations, null when it has none
   * @param resourceVersion guards the patch: if the Service changed since it was read, the server refuses it and
   *     the next event re-reconciles (so a foreign annotation written meanwhile is never overwritten)
   */
  static List<Map<String, Object>> operations(
      Map<String, String> current, Decision decision, String resourceVersion) {
    List<Map<String, Object>> ops = new ArrayList<>();
    Map<String, String> have = current == null ? Map.of() : current;
    if (decision.action() == Decision.Action.APPLY) {
      if (current == null) ops.add(op("add", ANNOTATIONS, Map.of()));
      for (Map.Entry<String, String> e : decision.annotations().entrySet()) {
        String old = have.get(e.getKey());
        if (e.getValue().equals(old)) continue;
        ops.add(op(have.containsKey(e.getKey()) ? "replace" : "add", path(e.getKey()), e.getValue()));
      }
    }
    if (decision.action() != Decision.Action.LEAVE) {
      for (String key : Keys.OWNED) {
        if (have.containsKey(key) && !decision.annotations().containsKey(key)) {
          ops.add(op("remove", path(key), null));
        }
      }
    }
    if (ops.isEmpty()) return ops;
    ops.add(0, op("test", "/metadata/resourceVersion", resourceVersion));
    return ops;
  }

  /** {@code /metadata/annotations/<key>} with the key escaped as RFC 6901 says ({@code ~0}, {@code ~1}). */
  static String path(String key) {
    return ANNOTATIONS + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    if (!op.equals("remove")) m.put("value", value);
    return m;
  }
}
