package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.Route;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/** The request head sent upstream: end-to-end headers only, the Mapping's changes, then the gateway's own. */
final class UpstreamHeaders {
  private UpstreamHeaders() {}

  /**
   * @param upgrade the protocol to upgrade to (lower case), when the route allows the one the client asked for;
   *     null otherwise, and the Upgrade header stays stripped
   */
  static void write(DownstreamExchange exchange, Route route, ProxyContext context, HeaderMap out, String upgrade) {
    HeaderMap in = exchange.requestHeaders();
    boolean trusted = context.trustedProxies().contains(exchange.sourceAddress());
    HeaderRules.copyEndToEnd(in, out, !trusted);
    List<String> removed = route.mapping().forward().removeRequestHeaders();
    for (int i = 0; i < removed.size(); i++) out.remove(removed.get(i)); // (indexed: no iterator per request)
    HeaderRules.add(out, route.addRequestHeaders());

    String clientHost = in.getFirst(Headers.HOST);
    String host = route.upstreamHost(clientHost == null ? route.mapping().service().authority() : clientHost);
    out.put(Headers.HOST, host);
    InetSocketAddress peer = exchange.sourceAddress();
    String clientIp = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
    String prior = trusted ? in.getFirst(Headers.X_FORWARDED_FOR) : null;
    out.put(Headers.X_FORWARDED_FOR, prior == null || prior.isEmpty() ? clientIp : prior + ", " + clientIp);
    if (!trusted || !out.contains(Headers.X_FORWARDED_PROTO)) {
      out.put(Headers.X_FORWARDED_PROTO, exchange.scheme());
    }
    if (clientHost != null && (!trusted || !out.contains(Headers.X_FORWARDED_HOST))) {
      out.put(Headers.X_FORWARDED_HOST, clientHost);
    }
    if (!trusted || !out.contains(Headers.X_FORWARDED_PORT)) {
      out.put(Headers.X_FORWARDED_PORT, portText(exchange.destinationAddress().getPort()));
    }
    out.put(HeaderRules.X_REQUEST_ID, exchange.attachment(ProxyAttachments.REQUEST_ID));
    if (upgrade != null) {
      out.put(Headers.CONNECTION, Headers.UPGRADE_STRING);
      out.put(Headers.UPGRADE, in.getFirst(Headers.UPGRADE));
    }
    boolean grpc = route.mapping().forward().grpc();
    if (grpc && asksForTrailers(in.getFirst(Headers.TE))) {
      out.put(Headers.TE, "trailers"); // gRPC servers check that the path keeps trailers
    }
    // A body of unknown length. Over HTTP/2 too: Undertow's HTTP/2 client takes the header as "a body follows"
    // (without it, it ends the stream with the head) and does not send it on.
    if (!exchange.isRequestComplete() && !out.contains(Headers.CONTENT_LENGTH)) {
      out.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
    }
  }

  private record PortText(int port, String text) {}

  // The listener's port as text, kept: a gateway listens on one or two ports, and a new string per request showed.
  private static volatile PortText lastPort = new PortText(-1, "");

  private static String portText(int port) {
    PortText p = lastPort;
    if (p.port() != port) lastPort = p = new PortText(port, Integer.toString(port));
    return p.text();
  }

  /**
   * The protocol the client asks to upgrade to, if the route allows it: the first token of {@code Upgrade}, lower
   * case; null when there is none or it is not allowed (then Upgrade stays stripped, as for any hop-by-hop header).
   */
  static String allowedUpgrade(DownstreamExchange exchange, Route route) {
    List<String> allowed = route.mapping().forward().allowUpgrade();
    if (allowed.isEmpty()) return null;
    String value = exchange.requestHeaders().getFirst(Headers.UPGRADE);
    if (value == null || !exchange.isHttp11()) return null; // HTTP/2 has no Upgrade
    int comma = value.indexOf(',');
    String first = (comma < 0 ? value : value.substring(0, comma)).trim().toLowerCase(Locale.ROOT);
    int slash = first.indexOf('/'); // "websocket/13" names a version: the protocol is what precedes it
    String protocol = slash < 0 ? first : first.substring(0, slash);
    // h2c would turn the rest of the connection into HTTP/2 the gateway does not see: never, whatever the route says
    if (protocol.equals("h2c")) return null;
    return allowed.contains(protocol) ? protocol : null;
  }

  /**
   * Envoy's shadow marker: {@code -shadow} after the host name, before any port, so the shadow's logs and virtual
   * hosts can tell copies from real traffic.
   */
  static String shadowHost(String host) {
    int close = host.lastIndexOf(']');
    int colon = host.lastIndexOf(':');
    if (colon > close && (close >= 0 || host.indexOf(':') == colon)) {
      return host.substring(0, colon) + "-shadow" + host.substring(colon);
    }
    return host + "-shadow";
  }

  private static boolean asksForTrailers(String te) {
    return te != null && te.toLowerCase(Locale.ROOT).contains("trailers");
  }
}
