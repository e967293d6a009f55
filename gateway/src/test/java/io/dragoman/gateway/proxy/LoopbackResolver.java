package io.dragoman.gateway.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sends named upstreams ({@code host:port}) to loopback ports, standing in for cluster DNS in tests. */
public final class LoopbackResolver implements UpstreamResolver {
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  public LoopbackResolver route(String host, int port, int loopbackPort) {
    ports.put(host + ":" + port, loopbackPort);
    return this;
  }

  @Override
  public InetSocketAddress cached(String host, int port) {
    return null; // always take the off-thread path, so tests exercise it
  }

  @Override
  public InetSocketAddress resolve(String host, int port) throws UnknownHostException {
    Integer p = ports.get(host + ":" + port);
    if (p == null) throw new UnknownHostException(host);
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), p);
  }
}
