package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.HeaderValue;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Which headers cross the gateway: hop-by-hop ones never do, nor any header the Connection header names. */
final class HeaderRules {
  static final HttpString KEEP_ALIVE = new HttpString("keep-alive");
  static final HttpString PROXY_CONNECTION = new HttpString("proxy-connection");
  static final HttpString X_REQUEST_ID = new HttpString("x-request-id");
  static final HttpString X_REAL_IP = new HttpString("x-real-ip");
  static final HttpString FORWARDED = new HttpString("forwarded");
  /** Carries an h2c upgrade's settings; connection-specific (RFC 7540 3.2.1), so never forwarded. */
  static final HttpString HTTP2_SETTINGS = new HttpString("http2-settings");

  private static final Set<HttpString> HOP_BY_HOP =
      Set.of(
          Headers.CONNECTION,
          KEEP_ALIVE,
          PROXY_CONNECTION,
          Headers.TE,
          Headers.TRAILER,
          Headers.TRANSFER_ENCODING,
          Headers.UPGRADE,
          HTTP2_SETTINGS);

  /** Set by clients to claim an origin; only a trusted proxy in front of us may set them. */
  private static final Set<HttpString> CLIENT_FORWARDING =
      Set.of(
          Headers.X_FORWARDED_FOR,
          Headers.X_FORWARDED_HOST,
          Headers.X_FORWARDED_PROTO,
          Headers.X_FORWARDED_PORT,
          Headers.X_FORWARDED_SERVER,
          FORWARDED,
          X_REAL_IP);

  private HeaderRules() {}

  /** "keep-alive" or "close": options, not header names, and by far the most common Connection values. */
  private static boolean isPlainOption(String v) {
    return v.equalsIgnoreCase("keep-alive") || v.equalsIgnoreCase("close");
  }

  static boolean isHopByHop(HttpString name) {
    return HOP_BY_HOP.contains(name);
  }

  static boolean isClientForwarding(HttpString name) {
    return CLIENT_FORWARDING.contains(name);
  }

  /**
   * Copies end-to-end headers from {@code in} to {@code out}, skipping Host, hop-by-hop headers, those named in
   * Connection and, when asked, the client's forwarding claims. (HttpString compares case-insensitively.)
   */
  static void copyEndToEnd(HeaderMap in, HeaderMap out, boolean dropClientForwarding) {
    HeaderValues connection = in.get(Headers.CONNECTION);
    for (long c = in.fastIterateNonEmpty(); c != -1L; c = in.fiNextNonEmpty(c)) {
      HeaderValues values = in.fiCurrent(c);
      HttpString name = values.getHeaderName();
      if (isHopByHop(name) || name.equals(Headers.HOST)) continue;
      if (dropClientForwarding && isClientForwarding(name)) continue;
      if (connection != null && namedIn(connection, name)) continue;
      out.putAll(name, values);
    }
  }

  /**
   * What {@link #copyEndToEnd} (without dropping forwarding claims) would leave, done in place: removes Host,
   * hop-by-hop headers and those named in Connection from {@code headers}.
   */
  static void keepEndToEnd(HeaderMap headers) {
    HeaderValues connection = headers.get(Headers.CONNECTION);
    List<HttpString> drop = null;
    for (long c = headers.fastIterateNonEmpty(); c != -1L; c = headers.fiNextNonEmpty(c)) {
      HttpString name = headers.fiCurrent(c).getHeaderName();
      if (isHopByHop(name) || name.equals(Headers.HOST) || (connection != null && namedIn(connection, name))) {
        if (drop == null) drop = new ArrayList<>(2);
        drop.add(name);
      }
    }
    if (drop != null) drop.forEach(headers::remove);
  }

  private static boolean namedIn(HeaderValues connection, HttpString name) {
    if (connection.size() == 1 && isPlainOption(connection.getFirst())) return false; // keep-alive / close only
    for (String value : connection) {
      for (String token : value.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && name.equals(new HttpString(t))) return true;
      }
    }
    return false;
  }

  /** A route's {@code add_request_headers} / {@code add_response_headers}: appended, or replacing same-named ones. */
  static void add(HeaderMap out, List<HeaderValue> headers) {
    for (int i = 0; i < headers.size(); i++) { // (indexed: no iterator per request, nearly always for none)
      HeaderValue h = headers.get(i);
      HttpString name = new HttpString(h.name());
      if (h.append()) {
        out.add(name, h.value());
      } else {
        out.put(name, h.value());
      }
    }
  }
}
