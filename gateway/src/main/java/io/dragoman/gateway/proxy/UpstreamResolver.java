package io.dragoman.gateway.proxy;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Resolves an upstream's host and port to a socket address. Injectable so tests can send cluster names
 * ({@code test.kubeflow:8000}) to loopback servers, since cluster DNS does not exist outside a cluster.
 */
public interface UpstreamResolver {
  /** The address if known without blocking, else null. Called on I/O threads. */
  InetSocketAddress cached(String host, int port);

  /** Resolves, possibly blocking on DNS. Called off the I/O threads. */
  InetSocketAddress resolve(String host, int port) throws UnknownHostException;
}
