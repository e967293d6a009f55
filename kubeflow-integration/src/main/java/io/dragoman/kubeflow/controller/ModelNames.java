package io.dragoman.kubeflow.controller;

import java.util.regex.Pattern;

/** Which model names may go into a route: plain names only, so a name can never change a path's meaning. */
final class ModelNames {
  // TF Serving accepts almost anything; a route needs a single path segment that needs no escaping.
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private ModelNames() {}

  /** Why {@code name} is refused, or null when it is safe. */
  static String problem(String name) {
    if (name.isEmpty()) return "\"\" (expected: a model name)";
    if (name.contains("..")) return quoted(name) + " (expected: a plain name without \"..\")";
    if (!SAFE.matcher(name).matches()) {
      return quoted(name) + " (expected: letters, digits, '.', '_' or '-', at most 128, starting with a letter or"
          + " digit; no '/', ':' or control characters)";
    }
    return null;
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7f) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
