package io.dragoman.gateway.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 request head as the gateway's own server reads it ({@link Http1ServerConnection}): parsed strictly, and
 * only for the requests that server serves itself. Anything else is not refused here but left to Undertow, which
 * then serves the rest of the connection exactly as before the gateway had a server of its own: the parse says
 * {@link #HAND_OFF}, never "bad request".
 *
 * <p>Served here: {@code HTTP/1.1}, a method other than HEAD, CONNECT or PRI, an origin-form target of plain URI
 * characters, header lines {@code token ":" OWS value OWS CRLF} with no {@code _} in the name and printable ASCII
 * values, exactly one plain Host, no body or one {@code Content-Length}, and no {@code Transfer-Encoding},
 * {@code Expect} or {@code Upgrade}; all within the listener's head and URI limits. Every head served here meets
 * {@link RequestGuard}'s rules, which the gateway then does not check again. Pure: no I/O, unit-tested on its own.
 */
final class ClientHead {
  /** The parse's answer when the bytes hold a request this server leaves to Undertow. */
  static final ClientHead HAND_OFF = new ClientHead(null, null, null, null, 0, false, 0);

  private static final boolean[] TCHAR = table("!#$%&'*+-.^_`|~");
  /** Header names: tokens without {@code _}, which {@link RequestGuard} refuses in names (Undertow's path answers). */
  private static final boolean[] NAME = table("!#$%&'*+-.^`|~");
  /** RFC 3986 unreserved, sub-delims, ':', '@', '/', '?' and '%': what a target may hold without a second look. */
  private static final boolean[] URI = table("-._~!$&'()*+,;=:@/?%");
  private static final byte[] VERSION = "HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);

  final HttpString method;
  /** The target up to its {@code ?}. */
  final String uri;
  /** The query without its {@code ?}; empty when there is none. */
  final String query;
  final HeaderMap headers;
  /** 0 when the request has no body. */
  final long contentLength;
  /** {@code Connection: close}: the connection ends with this exchange. */
  final boolean close;
  /** Index just past the head's last byte. */
  final int end;

  private ClientHead(
      HttpString method, String uri, String query, HeaderMap headers, long contentLength, boolean close, int end) {
    this.method = method;
    this.uri = uri;
    this.query = query;
    this.headers = headers;
    this.contentLength = contentLength;
    this.close = close;
    this.end = end;
  }

  /**
   * The listener's limits a served head stays within; beyond them the head is Undertow's (and the guard's).
   * {@code maxHeadBytes} bounds the head's bytes as sent (and must fit the read buffer); {@code maxHeaderBytes} is
   * {@link RequestGuard}'s measure of a head (no spaces, four bytes per line), so that no head served here is one
   * the guard would refuse.
   */
  record Limits(int maxHeadBytes, int maxHeaderBytes, int maxHeaders, int maxUriBytes, int maxQueryParameters,
      int maxCookies) {}

  /**
   * Parses the head starting at {@code from} (empty lines before it are skipped, as RFC 9112 allows).
   *
   * @return the head; {@link #HAND_OFF}; or null when the head is not whole in {@code [from, to)} yet and may still
   *     be served here once more bytes arrive
   */
  static ClientHead parse(byte[] a, int from, int to, Limits limits) {
    int start = from;
    while (start + 1 < to && a[start] == '\r' && a[start + 1] == '\n') start += 2;
    int headEnd = headEnd(a, start, Math.min(to, start + limits.maxHeadBytes()));
    if (headEnd == -2) return HAND_OFF; // a bare LF: Undertow's to judge
    // Counted from the first byte, empty lines included: a buffer that fills before the head ends must be handed
    // off, or the connection would wait, reading into no room at all, for a head that cannot arrive.
    if (headEnd < 0) return to - from >= limits.maxHeadBytes() ? HAND_OFF : null;
    return new Reader(a, start, headEnd, limits).read();
  }

  /** Index past the CRLFCRLF ending the head in {@code [from, to)}; -1 when not there yet; -2 on an LF without CR. */
  private static int headEnd(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != '\n') continue;
      if (i == from || a[i - 1] != '\r') return -2;
      if (i - from >= 3 && a[i - 2] == '\n' && a[i - 3] == '\r') return i + 1;
    }
    return -1;
  }

  private static final class Reader {
    private final byte[] a;
    private final int end;
    private final Limits limits;
    private int i;

    Reader(byte[] a, int start, int end, Limits limits) {
      this.a = a;
      this.i = start;
      this.end = end;
      this.limits = limits;
    }

    ClientHead read() {
      int methodStart = i;
      while (a[i] >= 0 && TCHAR[a[i]]) i++;
      int methodEnd = i;
      if (methodEnd == methodStart || a[i] != ' ') return HAND_OFF;
      HttpString method = method(methodStart, methodEnd);
      if (method == null) return HAND_OFF;
      int targetStart = ++i;
      int question = -1;
      int parameters = 1;
      if (a[i] != '/') return HAND_OFF; // absolute-form, asterisk-form, or not a target
      while (a[i] >= 0 && URI[a[i]]) {
        if (a[i] == '?' && question < 0) question = i;
        else if (a[i] == '&' && question >= 0) parameters++;
        else if (a[i] == '%' && !(hex(a[i + 1]) && hex(a[i + 2]))) return HAND_OFF; // Undertow refuses it bare
        i++;
      }
      int targetEnd = i;
      if (a[i] != ' ' || parameters > limits.maxQueryParameters()) return HAND_OFF;
      if (targetEnd - targetStart > limits.maxUriBytes()) return HAND_OFF;
      i++;
      for (byte b : VERSION) if (a[i++] != b) return HAND_OFF;
      String uri = ascii(targetStart, question < 0 ? targetEnd : question);
      String query = question < 0 ? "" : ascii(question + 1, targetEnd);
      return headers(method, uri, query, (methodEnd - methodStart) + (targetEnd - targetStart) + VERSION.length + 2);
    }

    /** {@code guardBytes}: the request line as {@link RequestGuard#checkSize} counts it. */
    private ClientHead headers(HttpString method, String uri, String query, long guardBytes) {
      HeaderMap headers = new HeaderMap();
      long contentLength = -1;
      int hosts = 0;
      int fields = 0;
      int cookies = 0;
      boolean close = false;
      while (!(a[i] == '\r' && a[i + 1] == '\n')) {
        if (++fields > limits.maxHeaders()) return HAND_OFF;
        int nameStart = i;
        while (a[i] >= 0 && NAME[a[i]]) i++;
        if (i == nameStart || a[i] != ':') return HAND_OFF;
        int nameEnd = i++;
        while (a[i] == ' ' || a[i] == '\t') i++;
        int valueStart = i;
        while (a[i] >= 0x20 && a[i] != 0x7f || a[i] == '\t') i++;
        if (a[i] != '\r' || a[i + 1] != '\n') return HAND_OFF; // a control character, obs-text or a bare CR
        int valueEnd = i;
        while (valueEnd > valueStart && (a[valueEnd - 1] == ' ' || a[valueEnd - 1] == '\t')) valueEnd--;
        i += 2;
        guardBytes += (nameEnd - nameStart) + (valueEnd - valueStart) + 4;
        if (guardBytes > limits.maxHeaderBytes()) return HAND_OFF;
        HttpString name = HeaderNames.of(a, nameStart, nameEnd);
        String value = ascii(valueStart, valueEnd);
        switch (special(nameStart, nameEnd)) {
          case 'h' -> {
            if (++hosts > 1 || !plainHost(valueStart, valueEnd)) return HAND_OFF;
          }
          case 'l' -> {
            if (contentLength >= 0 || (contentLength = digits(valueStart, valueEnd)) < 0) return HAND_OFF;
          }
          case 'c' -> close |= hasToken(value, "close");
          case 'k' -> {
            cookies += count(value, ';') + 1; // over all Cookie fields of the request
            if (cookies > limits.maxCookies()) return HAND_OFF;
          }
          case 'x' -> {
            return HAND_OFF; // Transfer-Encoding, Expect, Upgrade
          }
          default -> {}
        }
        headers.add(name, value);
      }
      if (hosts != 1) return HAND_OFF;
      return new ClientHead(method, uri, query, headers, Math.max(0, contentLength), close, i + 2);
    }

    /** The method as Undertow's constant where there is one; null for those left to Undertow. */
    private HttpString method(int from, int to) {
      if (exactly(from, to, "GET")) return Methods.GET; // the two that carry nearly all traffic, without a String
      if (exactly(from, to, "POST")) return Methods.POST;
      String name = ascii(from, to);
      if (name.equals("HEAD") || name.equals("CONNECT") || name.equals("PRI")) return null;
      return Methods.fromString(name);
    }

    private boolean exactly(int from, int to, String s) {
      if (to - from != s.length()) return false;
      for (int k = 0; k < s.length(); k++) if (a[from + k] != s.charAt(k)) return false;
      return true;
    }

    /**
     * 'h' Host, 'l' Content-Length, 'c' Connection, 'k' Cookie, 'x' a field that leaves the request to Undertow, or
     * ' ' for any other.
     */
    private char special(int from, int to) {
      return switch (to - from) {
        case 4 -> is(from, "host") ? 'h' : ' ';
        case 6 -> is(from, "cookie") ? 'k' : is(from, "expect") ? 'x' : ' ';
        case 7 -> is(from, "upgrade") ? 'x' : ' ';
        case 10 -> is(from, "connection") ? 'c' : ' ';
        case 14 -> is(from, "content-length") ? 'l' : ' ';
        case 17 -> is(from, "transfer-encoding") ? 'x' : ' ';
        default -> ' ';
      };
    }

    private boolean is(int from, String lower) {
      return HeaderNames.is(a, from, lower);
    }

    /**
     * {@code name[:port]} with a name of letters, digits, dots and dashes and a port up to 65535, no longer than
     * {@link HostSyntax} allows: anything else
     * (an IP-literal, an empty or malformed Host) is judged by Undertow's Host check and the guard, as before.
     */
    private boolean plainHost(int from, int to) {
      if (to - from > HostSyntax.MAX_LENGTH) return false;
      int k = from;
      while (k < to && (a[k] == '.' || a[k] == '-' || alphanumeric(a[k]))) k++;
      if (k == from) return false;
      if (k == to) return true;
      if (a[k] != ':' || to - k - 1 < 1 || to - k - 1 > 5) return false;
      long port = digits(k + 1, to);
      return port >= 0 && port <= 65535;
    }

    /** 1 to 18 decimal digits (as {@link RequestGuard} allows), or -1. */
    private long digits(int from, int to) {
      if (to - from < 1 || to - from > 18) return -1;
      long v = 0;
      for (int k = from; k < to; k++) {
        if (a[k] < '0' || a[k] > '9') return -1;
        v = v * 10 + (a[k] - '0');
      }
      return v;
    }

    private String ascii(int from, int to) {
      return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }

  /** Whether the comma-separated list holds {@code token} (case-insensitive). */
  static boolean hasToken(String list, String token) {
    for (String part : list.split(",")) if (part.trim().equalsIgnoreCase(token)) return true;
    return false;
  }

  private static boolean alphanumeric(byte b) {
    return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
  }

  private static boolean hex(byte b) {
    return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int k = 0; k < s.length(); k++) if (s.charAt(k) == c) n++;
    return n;
  }

  private static boolean[] table(String extra) {
    boolean[] t = new boolean[128];
    for (char c = '0'; c <= '9'; c++) t[c] = true;
    for (char c = 'a'; c <= 'z'; c++) t[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) t[c] = true;
    for (char c : extra.toCharArray()) t[c] = true;
    return t;
  }

}
