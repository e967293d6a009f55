package io.dragoman.gateway.mapping;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders parsed YAML values for messages: strings quoted, numbers and booleans bare, collections compact. Output is
 * capped while it is built, because a value may be a shared alias graph (or even recursive) that would be huge or
 * endless if written out in full.
 */
final class Render {
  static final int MAX_CHARS = 120;

  private Render() {}

  static String value(Object v) {
    StringBuilder sb = new StringBuilder();
    append(sb, v);
    return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) + "..." : sb.toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    appendString(sb, s);
    return sb.length() > MAX_CHARS ? sb.substring(0, MAX_CHARS) + "...\"" : sb.toString();
  }

  private static void append(StringBuilder sb, Object v) {
    if (sb.length() > MAX_CHARS) {
      return;
    }
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      appendString(sb, s);
    } else if (v instanceof Map<?, ?> m) {
      appendMap(sb, m);
    } else if (v instanceof List<?> l) {
      appendList(sb, l);
    } else if (v instanceof byte[] b) {
      sb.append("<").append(b.length).append(" bytes>");
    } else {
      sb.append(v);
    }
  }

  private static void appendMap(StringBuilder sb, Map<?, ?> m) {
    sb.append('{');
    Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
    while (it.hasNext() && sb.length() <= MAX_CHARS) {
      Map.Entry<?, ?> e = it.next();
      append(sb, e.getKey());
      sb.append(": ");
      append(sb, e.getValue());
      if (it.hasNext()) sb.append(", ");
    }
    sb.append('}');
  }

  private static void appendList(StringBuilder sb, List<?> l) {
    sb.append('[');
    for (int i = 0; i < l.size() && sb.length() <= MAX_CHARS; i++) {
      if (i > 0) sb.append(", ");
      append(sb, l.get(i));
    }
    sb.append(']');
  }

  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length() && sb.length() <= MAX_CHARS; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
