package io.dragoman.gateway.proxy;

import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Header names read from bytes, as Undertow's shared constants when they are among the few nearly every request or
 * response carries. A lookup in a {@code HeaderMap} by a constant then finds its entry by identity, where a name
 * built from bytes costs a case-insensitive byte comparison per lookup (the gateway looks up {@code Content-Length}
 * and {@code Host} several times per request). Any other name is built from its bytes as sent; no table is
 * searched, so an unknown name costs one length switch.
 *
 * <p>Matching ignores case, so a known name takes the constant's spelling ({@code content-type} goes out as
 * {@code Content-Type}), as Undertow's own parser does. Names compare case-insensitively in HTTP either way.
 */
final class HeaderNames {
  private HeaderNames() {}

  /** The name in {@code a[from, to)}, which holds token characters only. */
  static HttpString of(byte[] a, int from, int to) {
    HttpString known = switch (to - from) {
      case 4 -> is(a, from, "host") ? Headers.HOST : is(a, from, "date") ? Headers.DATE : null;
      case 6 -> is(a, from, "server") ? Headers.SERVER : is(a, from, "accept") ? Headers.ACCEPT : null;
      case 10 -> is(a, from, "connection") ? Headers.CONNECTION : is(a, from, "user-agent") ? Headers.USER_AGENT : null;
      case 12 -> is(a, from, "content-type") ? Headers.CONTENT_TYPE : null;
      case 14 -> is(a, from, "content-length") ? Headers.CONTENT_LENGTH : null;
      case 15 -> is(a, from, "accept-encoding") ? Headers.ACCEPT_ENCODING : null;
      case 17 -> is(a, from, "transfer-encoding") ? Headers.TRANSFER_ENCODING : null;
      default -> null;
    };
    return known != null ? known : new HttpString(a, from, to - from);
  }

  /** Whether {@code a} holds {@code lower} at {@code from}, ignoring ASCII case (the bytes are token characters). */
  static boolean is(byte[] a, int from, String lower) {
    for (int k = 0; k < lower.length(); k++) if ((a[from + k] | 0x20) != lower.charAt(k)) return false;
    return true;
  }
}
