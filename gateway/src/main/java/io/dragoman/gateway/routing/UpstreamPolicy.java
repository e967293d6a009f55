package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What configuration may point the gateway at: whoever can annotate a Service writes these Mappings, so they must
 * not turn the gateway into a way into the cloud's metadata service or the API server (HARDENING.md).
 *
 * @param allowLinkLocal allow 169.254.0.0/16, fe80::/10 and the metadata names (off by default)
 * @param allowApiServer allow the Kubernetes API server's in-cluster names (off by default)
 * @param allowedUpstreamNamespaces when not empty, a Mapping may only target in-cluster services
 *     ({@code name.ns[.svc[.cluster.local]]}) in these namespaces
 * @param prefixOwnership a match claimed by one namespace is refused to others, instead of splitting its traffic
 */
public record UpstreamPolicy(
    boolean allowLinkLocal, boolean allowApiServer, Set<String> allowedUpstreamNamespaces, boolean prefixOwnership) {

  public static final UpstreamPolicy DEFAULTS = new UpstreamPolicy(false, false, Set.of(), false);

  private static final Set<String> METADATA_NAMES =
      Set.of("metadata", "metadata.google.internal", "metadata.azure.internal", "instance-data",
          "instance-data.ec2.internal");
  private static final List<String> API_SERVER_NAMES =
      List.of("kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");

  public UpstreamPolicy {
    allowedUpstreamNamespaces = Set.copyOf(Objects.requireNonNull(allowedUpstreamNamespaces));
  }

  /** Why this Mapping's service is refused, or empty when it is allowed. */
  Optional<String> refusal(Mapping m) {
    ServiceRef s = m.service();
    String host = stripDot(s.host().toLowerCase(Locale.ROOT));
    if (!allowLinkLocal && (METADATA_NAMES.contains(host) || isLinkLocal(host))) {
      return Optional.of(quote(s) + " (expected: not a link-local or cloud metadata address; an operator can allow it"
          + " with --allow-link-local-upstreams)");
    }
    if (!allowApiServer && API_SERVER_NAMES.contains(host)) {
      return Optional.of(quote(s) + " (expected: not the Kubernetes API server)");
    }
    if (!allowedUpstreamNamespaces.isEmpty()) {
      Optional<String> ns = clusterNamespace(host);
      if (ns.isEmpty() || !allowedUpstreamNamespaces.contains(ns.get())) {
        return Optional.of(quote(s) + " (expected: a service in one of the allowed namespaces "
            + String.join(", ", allowedUpstreamNamespaces.stream().sorted().toList()) + ")");
      }
    }
    return Optional.empty();
  }

  /** {@code name.ns}, {@code name.ns.svc}, {@code name.ns.svc.cluster.local}: the namespace; anything else: empty. */
  static Optional<String> clusterNamespace(String host) {
    String[] labels = host.split("\\.");
    boolean inCluster =
        labels.length == 2
            || (labels.length == 3 && labels[2].equals("svc"))
            || (labels.length == 5 && labels[2].equals("svc") && labels[3].equals("cluster") && labels[4].equals("local"));
    return inCluster && !isIpLiteral(host) ? Optional.of(labels[1]) : Optional.empty();
  }

  private static boolean isLinkLocal(String host) {
    if (!isIpLiteral(host)) return false;
    try {
      InetAddress a = InetAddress.getByName(host); // a literal: parsed, never looked up
      byte[] b = a.getAddress();
      if (b.length == 4) return (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254;
      boolean fe80 = (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80;
      boolean awsMetadata = host.replace("[", "").replace("]", "").equalsIgnoreCase("fd00:ec2::254");
      return fe80 || awsMetadata || a.isLinkLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) return true;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) return false;
    }
    return !host.isEmpty();
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  private static String quote(ServiceRef s) {
    return "\"" + s.raw() + "\"";
  }
}
