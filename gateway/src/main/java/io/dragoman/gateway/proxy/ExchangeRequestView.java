package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.RequestView;
import io.undertow.util.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Adapts an exchange to what route matching may read. Query parameters are parsed only if a route asks. */
final class ExchangeRequestView implements RequestView {
  private final DownstreamExchange exchange;
  private final String path;
  private String host;

  ExchangeRequestView(DownstreamExchange exchange, String normalisedPath) {
    this.exchange = exchange;
    this.path = normalisedPath;
  }

  @Override
  public String method() {
    return exchange.method().toString();
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    if (host == null) host = hostWithoutPort(exchange.requestHeaders().getFirst(Headers.HOST));
    return host;
  }

  @Override
  public String header(String lowerCaseName) {
    return exchange.requestHeaders().getFirst(lowerCaseName);
  }

  @Override
  public String queryParameter(String name) {
    String qs = exchange.queryString();
    if (qs == null || qs.isEmpty()) return null;
    for (String pair : qs.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key != null && key.equals(name)) {
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        return v == null ? "" : v;
      }
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null; // malformed escape: this parameter matches nothing
    }
  }

  static String hostWithoutPort(String header) {
    if (header == null || header.isEmpty()) return "";
    String h = header;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) h = h.substring(0, colon);
    }
    return h.toLowerCase(Locale.ROOT);
  }
}
