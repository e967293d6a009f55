package io.dragoman.gateway.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The JVM's resolver with a short cache, so I/O threads never wait on DNS for a known name. IP literals never touch
 * DNS. The TTL is short so Service IP changes are followed.
 */
public final class DnsResolver implements UpstreamResolver {
  private record Entry(InetAddress address, long expiresAtNanos) {}

  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final LongSupplier nanoClock;

  public DnsResolver(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  DnsResolver(Duration ttl, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  @Override
  public InetSocketAddress cached(String host, int port) {
    Entry e = cache.get(host);
    if (e != null && nanoClock.getAsLong() - e.expiresAtNanos < 0) return new InetSocketAddress(e.address, port);
    if (isIpLiteral(host)) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port); // a literal: parsed, no lookup
      } catch (UnknownHostException ex) {
        return null;
      }
    }
    return null;
  }

  @Override
  public InetSocketAddress resolve(String host, int port) throws UnknownHostException {
    InetAddress a = InetAddress.getByName(host);
    cache.put(host, new Entry(a, nanoClock.getAsLong() + ttlNanos));
    return new InetSocketAddress(a, port);
  }

  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) return true; // IPv6
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) return false;
    }
    return !host.isEmpty();
  }
}
