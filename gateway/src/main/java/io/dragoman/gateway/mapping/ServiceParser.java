package io.dragoman.gateway.mapping;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a Mapping's {@code service}: {@code [http://|https://]host[:port]} where host is a Kubernetes service name
 * (qualified with the Mapping's namespace when bare), {@code name.namespace}, an external host, an IPv4 address or a
 * bracketed IPv6 address. Anything that could make the gateway connect somewhere other than what the text plainly
 * says (user-info, a path, another scheme) is refused.
 */
final class ServiceParser {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private ServiceParser() {}

  /**
   * @param tlsAttribute {@code tls: true} on the Mapping: TLS to the upstream as if {@code https://} were written
   */
  static Optional<ServiceRef> parse(
      String field, String raw, String namespace, boolean tlsAttribute, Problems problems) {
    String rest = raw.trim();
    boolean tls = tlsAttribute;
    int scheme = rest.indexOf("://");
    if (scheme >= 0) {
      String s = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!s.equals("http") && !s.equals("https")) {
        return fail(problems, field, raw, "http://, https:// or no scheme");
      }
      tls = tls || s.equals("https");
      rest = rest.substring(scheme + 3);
    }
    if (rest.indexOf('@') >= 0) return fail(problems, field, raw, "no user-info");
    if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
      return fail(problems, field, raw, "no path after the host");
    }
    return hostAndPort(field, raw, rest, tls, namespace, problems);
  }

  private static Optional<ServiceRef> hostAndPort(
      String field, String raw, String rest, boolean tls, String namespace, Problems problems) {
    String host;
    String port = "";
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) return fail(problems, field, raw, "[IPv6] or [IPv6]:port");
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) return fail(problems, field, raw, "[IPv6]:port");
      port = after.isEmpty() ? "" : after.substring(1);
      if (!IPV6.matcher(host).matches()) return fail(problems, field, raw, "an IPv6 address inside [ ]");
    } else if (rest.indexOf(':') != rest.lastIndexOf(':')) {
      return fail(problems, field, raw, "an IPv6 address in brackets: [IPv6]:port");
    } else {
      int colon = rest.indexOf(':');
      host = colon < 0 ? rest : rest.substring(0, colon);
      port = colon < 0 ? "" : rest.substring(colon + 1);
      if (!HOST_NAME.matcher(host).matches()) {
        return fail(problems, field, raw, "a host name, name.namespace or an IP address");
      }
      host = qualify(host.toLowerCase(Locale.ROOT), namespace);
    }
    int portNumber = tls ? 443 : 80;
    if (rest.endsWith(":") || !port.isEmpty()) {
      if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        return fail(problems, field, raw, "a port in 1-65535");
      }
      portNumber = Integer.parseInt(port);
    }
    return Optional.of(new ServiceRef(raw, tls, host, portNumber));
  }

  /** A bare Kubernetes name resolves in the Mapping's namespace; anything with a dot is already a DNS name. */
  static String qualify(String host, String namespace) {
    if (host.indexOf('.') >= 0 || host.equals("localhost") || IPV4.matcher(host).matches()) return host;
    return host + "." + namespace;
  }

  /** {@code host[:port]} as written, without the scheme: where {@code host_redirect: true} sends the client. */
  static String redirectHost(String raw) {
    String rest = raw.trim();
    int scheme = rest.indexOf("://");
    return scheme >= 0 ? rest.substring(scheme + 3) : rest;
  }

  private static Optional<ServiceRef> fail(Problems problems, String field, String raw, String expected) {
    problems.invalid(field, raw, expected);
    return Optional.empty();
  }
}
