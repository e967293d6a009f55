package io.dragoman.gateway.proxy;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import org.xnio.Option;
import org.xnio.OptionMap;

/**
 * Refusals of requests whose meaning is ambiguous, before anything is matched or forwarded: the answer is 400 (414
 * or 431 for the size limits, see {@link BadRequestException#failure()}) and, for 400, the connection is closed.
 *
 * <p>Undertow's parser already refuses most malformed framing before a handler runs (bare LF, bare CR, NUL and other
 * controls, spaces in header names, empty names, Content-Length with Transfer-Encoding, duplicate Content-Length,
 * duplicate or malformed Host). The same rules are checked here again, so the refusal does not depend on a parser
 * detail of one Undertow version, plus the ones Undertow lets through: a Transfer-Encoding other than the single
 * coding {@code chunked} (in any case, as RFC 9112 allows), an empty Host, an unknown protocol version, absolute-form targets with a scheme other than http(s),
 * the gateway's own head and URI limits, and underscores in header names.
 *
 * <p>The gateway's own HTTP/1.1 server serves only heads that meet every rule here ({@link ClientHead} hands the
 * others to Undertow, and so to this guard): a rule added here must be added there too, or hand such heads off.
 * {@code ClientHeadTest} runs the guard on every head the parse serves.
 */
final class RequestGuard {
  private static final int MAX_CONTENT_LENGTH_DIGITS = 18; // fits a long

  private RequestGuard() {}

  static void check(DownstreamExchange exchange) throws BadRequestException {
    checkProtocol(exchange);
    checkSize(exchange, exchange.guardLimits());
    HeaderMap headers = exchange.requestHeaders();
    checkHeaderSyntax(headers, exchange.protocol().equals(Protocols.HTTP_2_0));
    checkFraming(headers);
    checkHost(exchange);
    checkTarget(exchange);
  }

  private static void checkProtocol(DownstreamExchange exchange) throws BadRequestException {
    HttpString protocol = exchange.protocol();
    if (!protocol.equals(Protocols.HTTP_1_1) && !protocol.equals(Protocols.HTTP_1_0)
        && !protocol.equals(Protocols.HTTP_2_0)) {
      throw new BadRequestException("unsupported protocol version: " + protocol);
    }
  }

  /** The gateway's limits on the request head, from the listener's options (see {@link ListenerOptions}). */
  static void checkSize(DownstreamExchange exchange, OptionMap options) throws BadRequestException {
    int uriBytes = targetLength(exchange);
    int maxUri = limit(options, ListenerOptions.GUARD_MAX_URI_BYTES);
    if (uriBytes > maxUri) {
      throw new BadRequestException(Failure.URI_TOO_LONG,
          "request target is " + uriBytes + " bytes (limit: " + maxUri + ")");
    }
    HeaderMap headers = exchange.requestHeaders();
    int maxFields = limit(options, ListenerOptions.GUARD_MAX_HEADERS);
    if (headers.size() > maxFields) {
      throw new BadRequestException(Failure.HEADERS_TOO_LARGE,
          "request has " + headers.size() + " header fields (limit: " + maxFields + ")");
    }
    long headBytes = exchange.method().length() + uriBytes + exchange.protocol().length() + 4;
    for (HeaderValues values : headers) {
      for (String value : values) {
        headBytes += values.getHeaderName().length() + (value == null ? 0 : value.length()) + 4;
      }
    }
    int maxBytes = limit(options, ListenerOptions.GUARD_MAX_HEADER_BYTES);
    if (headBytes > maxBytes) {
      throw new BadRequestException(Failure.HEADERS_TOO_LARGE,
          "request head is " + headBytes + " bytes (limit: " + maxBytes + ")");
    }
  }

  private static int limit(OptionMap options, Option<Integer> option) {
    return options.get(option, Integer.MAX_VALUE);
  }

  private static int targetLength(DownstreamExchange exchange) {
    String query = exchange.queryString();
    return exchange.requestUri().length() + (query == null || query.isEmpty() ? 0 : query.length() + 1);
  }

  /**
   * Names must be RFC 9110 tokens; some upstreams fold {@code _} into {@code -}, so {@code X_User} could smuggle
   * past a check on {@code X-User}. Values may not hold control characters other than tab. Undertow leaves HTTP/2's
   * pseudo-headers ({@code :path}, {@code :authority}...) among the headers; only there is a leading colon allowed.
   */
  private static void checkHeaderSyntax(HeaderMap headers, boolean http2) throws BadRequestException {
    for (HeaderValues values : headers) {
      String name = values.getHeaderName().toString();
      if (name.isEmpty()) throw new BadRequestException("empty header name");
      int start = http2 && name.charAt(0) == ':' ? 1 : 0;
      for (int i = start; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c == '_') throw new BadRequestException("header names with underscores are refused: " + name);
        if (!isTokenChar(c)) throw new BadRequestException("invalid character in header name: " + printable(name));
      }
      for (String value : values) {
        if (value == null) continue; // Undertow's HTTP/2 listener puts Host from a missing :authority
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
            throw new BadRequestException("control character in header " + name);
          }
        }
      }
    }
  }

  /** Exactly one way to find where the body ends: one plain Content-Length, or Transfer-Encoding: chunked alone. */
  private static void checkFraming(HeaderMap headers) throws BadRequestException {
    HeaderValues length = headers.get(Headers.CONTENT_LENGTH);
    HeaderValues encoding = headers.get(Headers.TRANSFER_ENCODING);
    if (length != null && encoding != null) {
      throw new BadRequestException("both Content-Length and Transfer-Encoding");
    }
    if (length != null) {
      if (length.size() != 1) throw new BadRequestException("more than one Content-Length");
      String v = length.getFirst().trim();
      if (v.isEmpty() || v.length() > MAX_CONTENT_LENGTH_DIGITS || !allDigits(v)) {
        throw new BadRequestException("Content-Length is not a plain number: " + printable(v));
      }
    }
    if (encoding != null) {
      if (encoding.size() != 1 || !encoding.getFirst().trim().equalsIgnoreCase("chunked")) {
        throw new BadRequestException("Transfer-Encoding other than chunked: " + printable(String.join(", ", encoding)));
      }
    }
  }

  /** HTTP/1.1 needs exactly one valid Host; HTTP/1.0 may omit it, but one given must be valid too. */
  private static void checkHost(DownstreamExchange exchange) throws BadRequestException {
    HeaderValues host = exchange.requestHeaders().get(Headers.HOST);
    if (host == null || host.isEmpty() || host.getFirst() == null) {
      if (exchange.protocol().equals(Protocols.HTTP_1_0)) return;
      throw new BadRequestException("missing Host header");
    }
    if (host.size() > 1) throw new BadRequestException("more than one Host header");
    if (!HostSyntax.isValid(host.getFirst())) {
      throw new BadRequestException("malformed Host header: " + printable(host.getFirst()));
    }
  }

  /** Absolute-form targets route on their path only; anything but an http(s) URL there is refused. */
  private static void checkTarget(DownstreamExchange exchange) throws BadRequestException {
    if (!exchange.isAbsoluteTarget()) return;
    String uri = exchange.requestUri();
    int scheme = uri.indexOf("://");
    String name = scheme < 0 ? "" : uri.substring(0, scheme);
    if (!name.equalsIgnoreCase("http") && !name.equalsIgnoreCase("https")) {
      throw new BadRequestException("absolute request target must be an http or https URL");
    }
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** For messages: control and non-ASCII characters as \\xNN, so a refusal can't inject into logs. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 64) + 8);
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        out.append(String.format("\\x%02X", (int) c & 0xffff));
      } else {
        out.append(c);
      }
    }
    if (s.length() > 64) out.append("...");
    return out.toString();
  }
}
