package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one object, collected rather than thrown so that every problem of the object is reported at
 * once. Messages carry the field name themselves ({@code timeout_ms: "3s" (expected: integer milliseconds)}), because
 * diagnostics shows the message without the field.
 */
final class Problems {
  record Problem(String field, String message) {}

  private final List<Problem> list = new ArrayList<>();

  void add(String field, String message) {
    list.add(new Problem(field, message));
  }

  /** {@code field: <value> (expected: <expected>)} */
  void invalid(String field, Object value, String expected) {
    add(field, field + ": " + Render.value(value) + " (expected: " + expected + ")");
  }

  /** {@code field: missing (expected: <expected>)} */
  void missing(String field, String expected) {
    add(field, field + ": missing (expected: " + expected + ")");
  }

  int size() {
    return list.size();
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<Problem> list() {
    return List.copyOf(list);
  }
}
