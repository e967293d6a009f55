package io.dragoman.gateway.proxy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The public listener's limits and behaviour. Undertow's own defaults are looser (1 MiB of headers, no parse
 * timeout), so every limit is set explicitly from here.
 *
 * @param ioThreads 0 = one per core
 * @param requestHeadTimeoutMs time to receive a request head (slow-loris guard)
 * @param idleConnectionTimeoutMs an idle client keep-alive connection is closed after this
 * @param maxRequestBodyBytes default per-route body limit ({@code max_request_body_bytes} overrides it)
 * @param maxHeaderBytes request line and headers together, in bytes; more is refused before any handler runs
 * @param maxHeaders header fields in one request; more is refused
 * @param upstreamIdleTimeoutMs a pooled upstream connection idle this long is not reused
 * @param limits the listener's other limits (URI length, stream idle time, HTTP/2)
 */
public record ProxySettings(
    String bindAddress,
    int port,
    int ioThreads,
    int maxHeaderBytes,
    int maxHeaders,
    long requestHeadTimeoutMs,
    long idleConnectionTimeoutMs,
    long maxRequestBodyBytes,
    long upstreamIdleTimeoutMs,
    int maxIdlePerUpstream,
    TrustedProxies trustedProxies,
    AccessLog.Format accessLog,
    ListenerLimits limits,
    Optional<Path> upstreamCaBundle,
    Http1Server http1Server) {

  /**
   * Which server reads clear-text HTTP/1.1 requests: the gateway's own ({@link Http1ServerConnection}, which hands
   * what it does not serve to Undertow) or Undertow's for every request.
   */
  public enum Http1Server {
    OWN,
    UNDERTOW;

    /** The default: the {@code dragoman.http1-server} system property (own or undertow) if set, else own. */
    public static Http1Server byDefault() {
      return parse(System.getProperty("dragoman.http1-server", "own"));
    }

    public static Http1Server parse(String name) {
      return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "own" -> OWN;
        case "undertow" -> UNDERTOW;
        default -> throw new IllegalArgumentException("http1 server: " + name + " (expected: own or undertow)");
      };
    }
  }

  public static ProxySettings defaults(int port) {
    return new ProxySettings(
        "0.0.0.0",
        port,
        0,
        60 * 1024,
        100,
        10_000,
        3_600_000,
        32L * 1024 * 1024,
        30_000,
        256,
        TrustedProxies.NONE,
        AccessLog.Format.TEXT,
        ListenerLimits.DEFAULTS,
        Optional.empty(),
        Http1Server.byDefault());
  }

  public ProxySettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(upstreamCaBundle, "upstreamCaBundle");
    Objects.requireNonNull(http1Server, "http1Server");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
    positive("maxHeaderBytes", maxHeaderBytes);
    positive("maxHeaders", maxHeaders);
    positiveInt("requestHeadTimeoutMs", requestHeadTimeoutMs); // Undertow takes int milliseconds
    positiveInt("idleConnectionTimeoutMs", idleConnectionTimeoutMs);
    positive("maxRequestBodyBytes", maxRequestBodyBytes);
  }

  private static void positive(String name, long value) {
    if (value <= 0) throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
  }

  private static void positiveInt(String name, long value) {
    if (value <= 0 || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: 1-" + Integer.MAX_VALUE + ")");
    }
  }

  public ProxySettings withPort(int p) {
    return new ProxySettings(bindAddress, p, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, limits, upstreamCaBundle, http1Server);
  }

  public ProxySettings withAccessLog(AccessLog.Format f) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, f,
        limits, upstreamCaBundle, http1Server);
  }

  public ProxySettings withTrustedProxies(TrustedProxies t) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, t, accessLog,
        limits, upstreamCaBundle, http1Server);
  }

  public ProxySettings withBindAddress(String address) {
    return new ProxySettings(address, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, limits, upstreamCaBundle, http1Server);
  }

  public ProxySettings withIoThreads(int threads) {
    return new ProxySettings(bindAddress, port, threads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, limits, upstreamCaBundle, http1Server);
  }

  /** Head limits: bytes of request line and headers, number of header fields, time to receive them. */
  public ProxySettings withHeadLimits(int bytes, int fields, long timeoutMs) {
    return new ProxySettings(bindAddress, port, ioThreads, bytes, fields, timeoutMs, idleConnectionTimeoutMs,
        maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, accessLog, limits,
        upstreamCaBundle, http1Server);
  }

  public ProxySettings withIdleConnectionTimeoutMs(long ms) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs, ms,
        maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, accessLog, limits,
        upstreamCaBundle, http1Server);
  }

  public ProxySettings withMaxRequestBodyBytes(long bytes) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, bytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, accessLog, limits,
        upstreamCaBundle, http1Server);
  }

  public ProxySettings withLimits(ListenerLimits l) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, l, upstreamCaBundle, http1Server);
  }

  public ProxySettings withUpstreamCaBundle(Path caBundle) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, limits, Optional.of(caBundle), http1Server);
  }

  public ProxySettings withHttp1Server(Http1Server server) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, limits, upstreamCaBundle, server);
  }
}
