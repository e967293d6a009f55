package io.dragoman.gateway.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An upstream's HTTP/1.x response head, read from bytes: the status, the headers, how the body is framed and
 * whether the connection may carry another request (RFC 9112 sections 4 to 6). It is strict where leniency would
 * let the gateway and the upstream disagree on where the body ends: several different {@code Content-Length}
 * values, a malformed one, obsolete line folding, a space before the colon, a bare CR.
 */
final class ResponseHead {
  /** How the response body is delimited. */
  enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  /** A head that breaks the rules above; the connection cannot be trusted any further. */
  static final class MalformedException extends IOException {
    MalformedException(String message) {
      super("malformed response head from upstream: " + message);
    }
  }

  static final int MAX_HEADERS = 256;

  private final HttpString protocol;
  private final int status;
  private final String reason;
  private final HeaderMap headers;

  private ResponseHead(HttpString protocol, int status, String reason, HeaderMap headers) {
    this.protocol = protocol;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }

  HttpString protocol() {
    return protocol;
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }

  HeaderMap headers() {
    return headers;
  }

  /** An interim answer (100 Continue, 103 Early Hints): another head follows. 101 ends HTTP/1.1 on the connection. */
  boolean interim() {
    return status >= 100 && status < 200 && status != 101;
  }

  /**
   * Where the head in {@code a[from, to)} ends: the index just past its blank line, or -1 while it is not all
   * there. Lines may end in CRLF or a bare LF. {@code from} may be where an earlier, unfinished scan stopped, less
   * three bytes.
   */
  static int end(byte[] a, int from, int to) {
    for (int i = Math.max(from, 0); i < to; i++) {
      if (a[i] != '\n') continue;
      if (i + 1 < to && a[i + 1] == '\n') return i + 2;
      if (i + 2 < to && a[i + 1] == '\r' && a[i + 2] == '\n') return i + 3;
    }
    return -1;
  }

  /**
   * Parses the head in {@code a[from, end)}, {@code end} as given by {@link #end}. An array, not the socket's direct
   * buffer: each byte of a direct buffer read one by one costs a bounds check and a native memory access (the
   * head's scan and parse were 5% of the gateway's time on small requests).
   */
  static ResponseHead parse(byte[] a, int from, int end) throws MalformedException {
    int lineEnd = lineEnd(a, from, end);
    HttpString protocol = protocol(a, from, lineEnd);
    int p = from + 8;
    if (p + 4 > lineEnd || a[p] != ' ') throw new MalformedException("status line without a status code");
    int status = 0;
    for (int i = p + 1; i < p + 4; i++) {
      byte b = a[i];
      if (b < '0' || b > '9') throw new MalformedException("status code is not three digits");
      status = status * 10 + (b - '0');
    }
    if (status < 100) throw new MalformedException("status code " + status);
    p += 4;
    String reason = "";
    if (p < lineEnd) {
      if (a[p] != ' ') throw new MalformedException("no space after the status code");
      reason = text(a, p + 1, lineEnd);
    }
    HeaderMap headers = new HeaderMap();
    int count = 0;
    int line = next(a, lineEnd, end);
    while (true) {
      lineEnd = lineEnd(a, line, end);
      if (lineEnd == line) break; // the blank line
      if (++count > MAX_HEADERS) throw new MalformedException("more than " + MAX_HEADERS + " header fields");
      header(a, line, lineEnd, headers);
      line = next(a, lineEnd, end);
    }
    return new ResponseHead(protocol, status, reason, headers);
  }

  /**
   * How the body is framed. {@code Transfer-Encoding} wins over {@code Content-Length}; no body for HEAD, 1xx, 204
   * and 304; without either header the body runs until the upstream closes.
   */
  Framing framing(boolean headRequest) {
    if (headRequest || (status >= 100 && status < 200) || status == 204 || status == 304) return Framing.NONE;
    HeaderValues te = headers.get(Headers.TRANSFER_ENCODING);
    if (te != null) return lastCodingIsChunked(te) ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
    return headers.contains(Headers.CONTENT_LENGTH) ? Framing.LENGTH : Framing.UNTIL_CLOSE;
  }

  /** The one {@code Content-Length} value, repeated or listed copies allowed (RFC 9110 8.6); -1 when absent. */
  long contentLength() throws MalformedException {
    HeaderValues values = headers.get(Headers.CONTENT_LENGTH);
    if (values == null) return -1;
    long length = -1;
    for (String value : values) {
      for (String part : listParts(value)) {
        long n = digits(part.trim());
        if (length >= 0 && n != length) throw new MalformedException("different Content-Length values");
        length = n;
      }
    }
    return length;
  }

  /**
   * Whether the connection may carry another request once this exchange is done: HTTP/1.1 unless it says close,
   * HTTP/1.0 only if it says keep-alive; never after a body delimited by the close, nor after a head that sent both
   * {@code Transfer-Encoding} and {@code Content-Length} (a sign of a smuggling attempt: RFC 9112 6.3), nor after
   * an HTTP/1.0 head with {@code Transfer-Encoding}, which HTTP/1.0 does not know (its framing is faulty: 6.1).
   */
  boolean keepAlive(Framing framing) {
    if (framing == Framing.UNTIL_CLOSE) return false;
    boolean http11 = protocol.equals(Protocols.HTTP_1_1);
    boolean te = headers.contains(Headers.TRANSFER_ENCODING);
    if (te && (!http11 || headers.contains(Headers.CONTENT_LENGTH))) return false;
    HeaderValues connection = headers.get(Headers.CONNECTION);
    if (connection == null) return http11;
    boolean close = false;
    boolean keepAlive = false;
    for (String value : connection) {
      for (String token : listParts(value)) {
        String t = token.trim();
        if (t.equalsIgnoreCase("close")) close = true;
        else if (t.equalsIgnoreCase("keep-alive")) keepAlive = true;
      }
    }
    return !close && (http11 || keepAlive);
  }

  /**
   * The comma-separated parts of a field value. Nearly every value is a single item, returned as is: splitting costs
   * a list, an array and a copy per call.
   */
  private static String[] listParts(String value) {
    return value.indexOf(',') < 0 ? new String[] {value} : value.split(",", -1);
  }

  private static boolean lastCodingIsChunked(HeaderValues values) {
    String last = values.getLast();
    int comma = last.lastIndexOf(',');
    return last.substring(comma + 1).trim().equalsIgnoreCase("chunked");
  }

  private static long digits(String s) throws MalformedException {
    if (s.isEmpty() || s.length() > 18) throw new MalformedException("Content-Length \"" + s + "\"");
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') throw new MalformedException("Content-Length \"" + s + "\"");
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static HttpString protocol(byte[] a, int from, int lineEnd) throws MalformedException {
    if (lineEnd - from >= 8 && startsWith(a, from, "HTTP/1.")) {
      byte minor = a[from + 7];
      if (minor == '1') return Protocols.HTTP_1_1;
      if (minor == '0') return Protocols.HTTP_1_0;
    }
    throw new MalformedException("status line does not start with HTTP/1.0 or HTTP/1.1");
  }

  private static boolean startsWith(byte[] a, int from, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (a[from + i] != prefix.charAt(i)) return false;
    }
    return true;
  }

  /** The end of the line starting at {@code from}: the index of its CR, or of its LF when it has no CR. */
  private static int lineEnd(byte[] a, int from, int end) throws MalformedException {
    for (int i = from; i < end; i++) {
      byte b = a[i];
      if (b == '\n') return i > from && a[i - 1] == '\r' ? i - 1 : i;
      if (b == '\r' && (i + 1 >= end || a[i + 1] != '\n')) throw new MalformedException("bare CR");
    }
    return end;
  }

  private static int next(byte[] a, int lineEnd, int end) {
    return lineEnd < end && a[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
  }

  private static void header(byte[] a, int from, int lineEnd, HeaderMap headers)
      throws MalformedException {
    byte first = a[from];
    if (first == ' ' || first == '\t') throw new MalformedException("obsolete line folding");
    int colon = from;
    while (colon < lineEnd && isTokenChar(a[colon])) colon++;
    if (colon == from || colon == lineEnd || a[colon] != ':') {
      throw new MalformedException("header line without a name and a colon");
    }
    int v = colon + 1;
    int e = lineEnd;
    while (v < e && isSpace(a[v])) v++;
    while (e > v && isSpace(a[e - 1])) e--;
    for (int i = v; i < e; i++) {
      byte b = a[i];
      if ((b >= 0 && b < 0x20 && b != '\t') || b == 0x7f) throw new MalformedException("control character in a value");
    }
    headers.add(name(a, from, colon), text(a, v, e));
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(byte b) {
    if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') return true;
    return switch (b) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }

  /** The field name as sent, or Undertow's constant for a common one ({@link HeaderNames}). */
  private static HttpString name(byte[] a, int from, int to) {
    return HeaderNames.of(a, from, to);
  }

  /** Bytes as ISO-8859-1: every byte one char, so a value goes back out to the client byte for byte. */
  private static String text(byte[] a, int from, int to) {
    return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
