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
 * @param upstreamIdleTimeoutMs a pooled upstream connection idle this long is not reused
 * @param upstreamCaBundle extra CAs (PEM) trusted for {@code https://} services, on top of the JVM's
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
    Optional<Path> upstreamCaBundle) {

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
        Optional.empty());
  }

  /** Without an upstream CA bundle. */
  public ProxySettings(
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
      AccessLog.Format accessLog) {
    this(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs, idleConnectionTimeoutMs,
        maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, accessLog, Optional.empty());
  }

  public ProxySettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(upstreamCaBundle, "upstreamCaBundle");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
  }

  public ProxySettings withPort(int p) {
    return new ProxySettings(bindAddress, p, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, upstreamCaBundle);
  }

  public ProxySettings withBindAddress(String address) {
    return new ProxySettings(address, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, upstreamCaBundle);
  }

  public ProxySettings withAccessLog(AccessLog.Format f) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies, f,
        upstreamCaBundle);
  }

  public ProxySettings withTrustedProxies(TrustedProxies t) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, t, accessLog,
        upstreamCaBundle);
  }

  public ProxySettings withUpstreamCaBundle(Path caBundle) {
    return new ProxySettings(bindAddress, port, ioThreads, maxHeaderBytes, maxHeaders, requestHeadTimeoutMs,
        idleConnectionTimeoutMs, maxRequestBodyBytes, upstreamIdleTimeoutMs, maxIdlePerUpstream, trustedProxies,
        accessLog, Optional.of(caBundle));
  }
}
