package io.dragoman.gateway.proxy;

/**
 * The Host header's grammar, strictly: a DNS-style name, an IPv4 address or a bracketed IPv6 literal, optionally
 * followed by {@code :port}. No user-info, no path, no spaces, no list.
 */
final class HostSyntax {
  /** A name of up to 255 characters and a port. */
  static final int MAX_LENGTH = 255 + 6;

  private HostSyntax() {}

  static boolean isValid(String host) {
    if (host.isEmpty() || host.length() > MAX_LENGTH) return false;
    int portStart;
    if (host.charAt(0) == '[') {
      int close = host.indexOf(']');
      if (close < 0 || !isIpv6Literal(host.substring(1, close))) return false;
      portStart = close + 1;
    } else {
      int colon = host.indexOf(':');
      portStart = colon < 0 ? host.length() : colon;
      if (!isName(host.substring(0, portStart))) return false;
    }
    if (portStart == host.length()) return true;
    return host.charAt(portStart) == ':' && isPort(host.substring(portStart + 1));
  }

  private static boolean isName(String name) {
    if (name.isEmpty()) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
          || c == '_';
      if (!ok) return false;
    }
    return true;
  }

  private static boolean isIpv6Literal(String s) {
    if (s.length() < 2) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') return false;
    }
    return s.indexOf(':') >= 0;
  }

  private static boolean isPort(String s) {
    if (s.isEmpty() || s.length() > 5) return false;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return Integer.parseInt(s) <= 65535;
  }
}
