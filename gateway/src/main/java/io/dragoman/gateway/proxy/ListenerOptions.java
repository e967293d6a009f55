package io.dragoman.gateway.proxy;

import io.undertow.UndertowOptions;
import org.xnio.Option;
import org.xnio.OptionMap;

/**
 * Undertow's server options for the public listener, every limit set explicitly from {@link ProxySettings}
 * (Undertow's own defaults are 1 MiB of headers, no parse timeout and unbounded HTTP/2 streams).
 *
 * <p>The head limits are enforced twice. {@link RequestGuard} answers 431 (414 for the URI) with the gateway's JSON
 * body once a head passes {@code maxHeaderBytes} or {@code maxHeaders}. Undertow itself is given twice those values
 * as the hard ceiling: a head beyond that never reaches a handler and Undertow answers a bare 400 and closes. So the
 * memory one connection can hold in a request head is bounded by {@code 2 * maxHeaderBytes}.
 */
final class ListenerOptions {
  /** Undertow's ceiling over our limits: room for the guard to answer with a reason before Undertow cuts. */
  static final int HARD_CEILING_FACTOR = 2;

  /**
   * The gateway's own limits ride in the same option map: Undertow hands it to every connection, so
   * {@link RequestGuard} reads them from the exchange it checks.
   */
  static final Option<Integer> GUARD_MAX_HEADER_BYTES =
      Option.simple(ListenerOptions.class, "GUARD_MAX_HEADER_BYTES", Integer.class);

  static final Option<Integer> GUARD_MAX_HEADERS =
      Option.simple(ListenerOptions.class, "GUARD_MAX_HEADERS", Integer.class);

  static final Option<Integer> GUARD_MAX_URI_BYTES =
      Option.simple(ListenerOptions.class, "GUARD_MAX_URI_BYTES", Integer.class);

  private ListenerOptions() {}

  static OptionMap of(ProxySettings s) {
    ListenerLimits l = s.limits();
    int headerCeiling = ceiling(s.maxHeaderBytes());
    return OptionMap.builder()
        .set(GUARD_MAX_HEADER_BYTES, s.maxHeaderBytes())
        .set(GUARD_MAX_HEADERS, s.maxHeaders())
        .set(GUARD_MAX_URI_BYTES, l.maxUriBytes())
        .set(UndertowOptions.MAX_HEADER_SIZE, headerCeiling)
        .set(UndertowOptions.MAX_HEADERS, ceiling(s.maxHeaders()))
        .set(UndertowOptions.MAX_PARAMETERS, l.maxQueryParameters())
        .set(UndertowOptions.MAX_COOKIES, l.maxCookies())
        // Slow-loris: FramingConduit answers 408 to a head not whole within the timeout of its first byte.
        // Undertow's own timer, which closes without a word, is only a backstop (for connections the conduit
        // stops following: framing Undertow refuses itself, see Http1Framing).
        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, ceiling((int) s.requestHeadTimeoutMs()))
        // A keep-alive connection with no request in progress.
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) s.idleConnectionTimeoutMs())
        // No IDLE_TIMEOUT: the gateway keeps that limit itself (IdleSweep); given the option, Undertow would stack a
        // conduit on every connection that does nothing but cost a call per read and write.
        .set(UndertowOptions.MAX_ENTITY_SIZE, s.maxRequestBodyBytes())
        .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, false)
        .set(UndertowOptions.DECODE_URL, false) // we normalise the raw path ourselves
        .set(UndertowOptions.ALLOW_ENCODED_SLASH, true) // ...and refuse %2F ourselves, with a reason
        // A pipelined request that fails to parse must not overtake the answer to the one before it.
        .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
        .set(UndertowOptions.ALWAYS_SET_DATE, true)
        // gRPC clients speak HTTP/2 with prior knowledge. Upgrade: h2c is not accepted: PublicListener does not
        // install Undertow's Http2UpgradeHandler, so such a request is answered as HTTP/1.1.
        .set(UndertowOptions.ENABLE_HTTP2, true)
        // HTTP/2: bounded streams, headers, and RST_STREAM floods.
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, l.http2MaxConcurrentStreams())
        .set(UndertowOptions.MAX_CONCURRENT_REQUESTS_PER_CONNECTION, l.http2MaxConcurrentStreams())
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, s.maxHeaderBytes())
        .set(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, false)
        .set(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, l.http2MaxResetsPerWindow())
        .set(UndertowOptions.RST_FRAMES_TIME_WINDOW, (int) Math.min(Integer.MAX_VALUE, l.http2ResetWindowMs()))
        .getMap();
  }

  private static int ceiling(int limit) {
    return (int) Math.min(Integer.MAX_VALUE, (long) limit * HARD_CEILING_FACTOR);
  }

  /**
   * No byte either way for this long closes a connection ({@link IdleSweep}). The rule holds between requests too, so
   * it can only be the larger of the two idle limits (see {@link ListenerLimits#idleStreamTimeoutMs}).
   */
  static long effectiveIdleTimeoutMs(ProxySettings s) {
    return Math.min(Integer.MAX_VALUE, Math.max(s.idleConnectionTimeoutMs(), s.limits().idleStreamTimeoutMs()));
  }

  /**
   * The limits within which the gateway's own server reads a head itself ({@link ClientHead}); past them, Undertow
   * and {@link RequestGuard} answer as they always have. A head must also fit the buffer it is read into.
   */
  static ClientHead.Limits ownHeadLimits(ProxySettings s, int bufferBytes) {
    ListenerLimits l = s.limits();
    return new ClientHead.Limits(Math.min(bufferBytes, s.maxHeaderBytes()), s.maxHeaderBytes(), s.maxHeaders(),
        l.maxUriBytes(), l.maxQueryParameters(), l.maxCookies());
  }
}
