package io.dragoman.gateway.routing;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which indexed prefixes begin a path, found with one pass over the path and one hash probe per prefix length the
 * table uses. Each key carries values (non-negative ints) that the index hands back without reading them.
 *
 * <p>Laid out for the cache, because at 10,000 keys nearly every access outside the first-level cache is a miss:
 *
 * <ul>
 *   <li>a small Bloom-style filter (two bits per key in one 64-bit word, about 1-2 bytes per key) turns away most
 *       probes at a length where the path's start is no key, without touching the slot table;
 *   <li>a slot is four adjacent ints (hash, length, value, offset of the key's characters), so a probe reads one
 *       cache line, and a key with a single value needs no separate array;
 *   <li>the key's characters sit in one flat array, compared in place instead of through a String and its bytes.
 * </ul>
 *
 * The running hash is {@link String#hashCode()}'s, so the hash of the path's first {@code n} characters is the key's
 * own hash.
 */
final class PrefixIndex {
  /** What {@link #find} returns when no key equals the path's start. */
  static final int NONE = Integer.MIN_VALUE;

  private static final int SLOT = 4; // ints per slot: hash, length (0: empty), value or ~list offset, key offset

  private final int[] lengths; // ascending, each > 0
  private final int[] slots;
  private final char[] keyChars;
  private final int[] lists; // for keys with several values: the count, then the values
  private final long[] filter;
  private final int filterShift;

  /** @param byKey each non-empty key with its values, non-negative, in the order a lookup should see them */
  PrefixIndex(Map<String, int[]> byKey) {
    TreeSet<Integer> distinct = new TreeSet<>();
    int chars = 0;
    int listInts = 0;
    for (Map.Entry<String, int[]> e : byKey.entrySet()) {
      check(e.getKey(), e.getValue());
      distinct.add(e.getKey().length());
      chars += e.getKey().length();
      if (e.getValue().length > 1) listInts += 1 + e.getValue().length;
    }
    lengths = distinct.stream().mapToInt(Integer::intValue).toArray();
    // a third to two thirds full: a probe that finds a key mostly reads one cache line of four slots
    slots = new int[(Integer.highestOneBit(Math.max(3, byKey.size() + byKey.size() / 2)) << 1) * SLOT];
    keyChars = new char[chars];
    lists = new int[listInts];
    int words = Math.max(2, Integer.highestOneBit(Math.max(1, byKey.size() / 8)) * 2); // 8-16 filter bits a key
    filter = new long[words];
    filterShift = 32 - Integer.numberOfTrailingZeros(words);
    int charAt = 0;
    int listAt = 0;
    for (Map.Entry<String, int[]> e : byKey.entrySet()) {
      String key = e.getKey();
      int[] values = e.getValue();
      int value = values.length == 1 ? values[0] : ~listAt;
      if (values.length > 1) {
        lists[listAt] = values.length;
        System.arraycopy(values, 0, lists, listAt + 1, values.length);
        listAt += 1 + values.length;
      }
      key.getChars(0, key.length(), keyChars, charAt);
      put(key.hashCode(), key.length(), value, charAt);
      charAt += key.length();
    }
  }

  private static void check(String key, int[] values) {
    if (key.isEmpty()) throw new IllegalArgumentException("prefix: \"\" (expected: non-empty; keep it unindexed)");
    if (values.length == 0) {
      throw new IllegalArgumentException("values of prefix \"" + key + "\": none (expected: at least one)");
    }
    for (int v : values) {
      if (v < 0) throw new IllegalArgumentException("values of prefix \"" + key + "\": " + v + " (expected: >= 0)");
    }
  }

  private void put(int hash, int length, int value, int charOffset) {
    int h = spread(hash);
    filter[h >>> filterShift] |= bits(h);
    int s = (h * SLOT) & (slots.length - 1);
    while (slots[s + 1] != 0) s = (s + SLOT) & (slots.length - 1);
    slots[s] = hash;
    slots[s + 1] = length;
    slots[s + 2] = value;
    slots[s + 3] = charOffset;
  }

  /** The key lengths in use, ascending; a lookup probes each one that is not longer than the path. */
  int[] lengths() {
    return lengths;
  }

  /**
   * The value of the key equal to the first {@code length} characters of {@code path}: its only value ({@code >= 0}),
   * {@code ~offset} of its count-prefixed list in {@link #lists()} when it has several, or {@link #NONE}.
   *
   * @param length at most {@code path.length()}
   * @param hash {@link String#hashCode()} of those characters, which the caller computes as it walks the path
   */
  int find(String path, int length, int hash) {
    int h = spread(hash);
    long want = bits(h);
    if ((filter[h >>> filterShift] & want) != want) return NONE;
    for (int s = (h * SLOT) & (slots.length - 1); ; s = (s + SLOT) & (slots.length - 1)) {
      int keyLength = slots[s + 1];
      if (keyLength == 0) return NONE;
      if (slots[s] == hash && keyLength == length && sameChars(path, slots[s + 3], length)) return slots[s + 2];
    }
  }

  /** The lists {@link #find} points into with a negative value other than {@link #NONE}. */
  int[] lists() {
    return lists;
  }

  private boolean sameChars(String path, int offset, int length) {
    for (int i = 0; i < length; i++) {
      if (path.charAt(i) != keyChars[offset + i]) return false;
    }
    return true;
  }

  /** Two filter bits from the low twelve bits of the spread hash; the word comes from its high bits. */
  private static long bits(int h) {
    return (1L << h) | (1L << (h >>> 6));
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
