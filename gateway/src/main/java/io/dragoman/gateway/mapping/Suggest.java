package io.dragoman.gateway.mapping;

import java.util.Collection;

/** "Did you mean" for misspelt attribute names: the closest known name within two edits, if any. */
final class Suggest {
  private static final int MAX_DISTANCE = 2;
  private static final int MAX_NAME = 64;
  private static final int MIN_PREFIX = 4;

  private Suggest() {}

  /** A known name within two edits, or one that merely extends it ({@code timeout} for {@code timeout_ms}). */
  static String closest(String name, Collection<String> known) {
    if (name.length() > MAX_NAME) return "";
    String extended = known.stream()
        .filter(k -> name.length() >= MIN_PREFIX && k.startsWith(name.toLowerCase(java.util.Locale.ROOT)))
        .min(java.util.Comparator.comparingInt(String::length).thenComparing(k -> k))
        .orElse("");
    if (!extended.isEmpty()) return extended;
    String best = "";
    int bestDistance = MAX_DISTANCE + 1;
    for (String k : known) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), k);
      if (d < bestDistance || (d == bestDistance && !best.isEmpty() && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    return bestDistance <= MAX_DISTANCE ? best : "";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
