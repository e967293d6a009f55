package io.dragoman.gateway.mapping;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper estimate of how large a regex becomes once compiled. RE2 matches in linear time, but compiling
 * {@code ((a{1000}){1000}){1000}} still builds a program of 10^9 instructions: counted repetitions multiply the size
 * of what they repeat. This walks the pattern once, summing the size of each item and multiplying on {@code {n,m}},
 * so such a pattern is refused before RE2 ever sees it. Malformed syntax is left for RE2 to report.
 */
final class RegexSize {
  static final long MAX = 10_000;
  private static final long CAP = Long.MAX_VALUE / 4;

  private RegexSize() {}

  /** Size of one group being read: what it adds up to so far, and the size of its last item (for a quantifier). */
  private static final class Frame {
    long total;
    long last;

    void item(long size) {
      total = add(total, size);
      last = size;
    }
  }

  static long estimate(String re) {
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame());
    int i = 0;
    while (i < re.length()) {
      char c = re.charAt(i);
      Frame top = stack.peek();
      switch (c) {
        case '\\' -> {
          i = skipEscape(re, i);
          top.item(1);
          continue;
        }
        case '[' -> {
          i = skipClass(re, i);
          top.item(1);
          continue;
        }
        case '(' -> stack.push(new Frame());
        case ')' -> {
          if (stack.size() > 1) {
            Frame inner = stack.pop();
            stack.peek().item(inner.total + 1);
          }
        }
        case '{' -> {
          int end = re.indexOf('}', i);
          long times = end < 0 ? -1 : repeat(re.substring(i + 1, end));
          if (times < 0) {
            top.item(1);
          } else {
            top.total = add(top.total, mul(top.last, times - 1));
            top.last = mul(top.last, times);
            i = end;
          }
        }
        default -> top.item(1);
      }
      i++;
    }
    long total = 0;
    for (Frame f : stack) total = add(total, f.total);
    return total;
  }

  /** The largest count of {@code n}, {@code n,} or {@code n,m}; -1 when the braces are not a repetition. */
  private static long repeat(String body) {
    if (!body.matches("\\d{1,6}(,\\d{0,6})?")) return -1;
    int comma = body.indexOf(',');
    long n = Long.parseLong(comma < 0 ? body : body.substring(0, comma));
    if (comma < 0) return Math.max(n, 1);
    String m = body.substring(comma + 1);
    return Math.max(m.isEmpty() ? n + 1 : Long.parseLong(m), 1);
  }

  private static int skipEscape(String re, int i) {
    if (i + 1 >= re.length()) return i + 1;
    char e = re.charAt(i + 1);
    if (e == 'Q') {
      int end = re.indexOf("\\E", i + 2);
      return end < 0 ? re.length() : end + 2;
    }
    if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < re.length() && re.charAt(i + 2) == '{') {
      int end = re.indexOf('}', i + 2);
      return end < 0 ? re.length() : end + 1;
    }
    return i + 2;
  }

  private static int skipClass(String re, int i) {
    int j = i + 1;
    if (j < re.length() && re.charAt(j) == '^') j++;
    if (j < re.length() && re.charAt(j) == ']') j++;
    while (j < re.length() && re.charAt(j) != ']') {
      if (re.charAt(j) == '\\') {
        j += 2;
      } else if (re.startsWith("[:", j) && re.indexOf(":]", j + 2) >= 0) {
        j = re.indexOf(":]", j + 2) + 2;
      } else {
        j++;
      }
    }
    return j + 1;
  }

  private static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  private static long mul(long a, long b) {
    if (a == 0 || b == 0) return 0;
    return a > CAP / b ? CAP : a * b;
  }
}
