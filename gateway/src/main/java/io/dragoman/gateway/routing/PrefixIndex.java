package io.dragoman.gateway.routing;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which indexed prefixes begin a path, found with one pass over the path and one hash probe per prefix length the
 * table uses.
 *
 * <p>The keys live in one open-addressing table of flat arrays, so a lookup touches a few cache lines whatever the
 * table's size. (A character trie, the earlier index, chased four objects per path character: at 10,000 Mappings
 * most of them were cache misses, and a lookup cost four times what it did at 10.) The running hash is
 * {@link String#hashCode()}'s, so the hash of the path's first {@code n} characters is the key's own hash.
 */
final class PrefixIndex {
  private static final int[] NONE = new int[0];

  private final int[] lengths; // ascending, each > 0
  private final String[] keys; // by slot; null: empty
  private final int[] hashes; // by slot: the key's String hash
  private final int[][] candidates; // by slot
  private final int mask;

  /** @param byPrefix each non-empty prefix with its candidates, ascending */
  PrefixIndex(Map<String, int[]> byPrefix) {
    TreeSet<Integer> distinct = new TreeSet<>();
    byPrefix.keySet().forEach(k -> distinct.add(k.length()));
    lengths = distinct.stream().mapToInt(Integer::intValue).toArray();
    int capacity = Integer.highestOneBit(Math.max(4, byPrefix.size() * 2 - 1)) << 1;
    keys = new String[capacity];
    hashes = new int[capacity];
    candidates = new int[capacity][];
    mask = capacity - 1;
    byPrefix.forEach((key, value) -> {
      if (key.isEmpty()) throw new IllegalArgumentException("prefix: \"\" (expected: non-empty; keep it unindexed)");
      int slot = spread(key.hashCode()) & mask;
      while (keys[slot] != null) slot = (slot + 1) & mask;
      keys[slot] = key;
      hashes[slot] = key.hashCode();
      candidates[slot] = value;
    });
  }

  /** The prefix lengths in use, ascending; a lookup probes each one that is not longer than the path. */
  int[] lengths() {
    return lengths;
  }

  /**
   * The candidates of the indexed prefix equal to the first {@code length} characters of {@code path}, or none.
   *
   * @param hash {@link String#hashCode()} of those characters, which the caller computes as it walks the path
   */
  int[] candidatesOf(String path, int length, int hash) {
    for (int slot = spread(hash) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
      if (hashes[slot] != hash) continue;
      String key = keys[slot];
      if (key.length() == length && path.startsWith(key)) return candidates[slot];
    }
    return NONE;
  }

  /** String hashes of similar keys differ in their low bits only a little: mix the high bits in. */
  private static int spread(int h) {
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    return h ^ (h >>> 16);
  }

  static int[] toArray(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) out[i] = list.get(i);
    return out;
  }

}
