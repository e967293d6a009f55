package io.dragoman.gateway.mapping;

import java.util.Objects;

/**
 * Where a Mapping sends traffic. {@code raw} is what the user wrote; {@code host} is the name to resolve, already
 * qualified with the Mapping's namespace when the user wrote a bare Kubernetes service name ({@code test} in
 * namespace {@code kubeflow} becomes {@code test.kubeflow}); {@code port} defaults to 80, or 443 with TLS.
 */
public record ServiceRef(String raw, boolean tls, String host, int port) {
  public ServiceRef {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("service: \"" + raw + "\" (expected: a host name)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("service: \"" + raw + "\" (expected: a port in 1-65535)");
    }
  }

  /** {@code host:port}, the key of the upstream's connection pool. */
  public String authority() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
