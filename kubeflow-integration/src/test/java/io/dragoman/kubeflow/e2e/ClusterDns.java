package io.dragoman.kubeflow.e2e;

import io.dragoman.gateway.proxy.UpstreamResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stands in for cluster DNS: {@code <service>.<namespace>:<port>} to a loopback port. */
final class ClusterDns implements UpstreamResolver {
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  ClusterDns add(String service, String namespace, int port, int loopbackPort) {
    ports.put(service + "." + namespace + ":" + port, loopbackPort);
    return this;
  }

  @Override
  public InetSocketAddress cached(String host, int port) {
    return null;
  }

  @Override
  public InetSocketAddress resolve(String host, int port) throws UnknownHostException {
    Integer p = ports.get(host + ":" + port);
    if (p == null) throw new UnknownHostException(host);
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), p);
  }
}
