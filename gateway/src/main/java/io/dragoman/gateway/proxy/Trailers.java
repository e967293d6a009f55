package io.dragoman.gateway.proxy;

import io.undertow.client.ClientExchange;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.util.HeaderMap;

/** gRPC's status travels in HTTP/2 trailers: they must reach the client as trailers. */
final class Trailers {
  private Trailers() {}

  /**
   * Hands the upstream's trailers to the client's response; call once the upstream body has been read to its end and
   * before the client's response is ended. (Undertow's client keeps received trailers under REQUEST_TRAILERS.)
   */
  static void relay(ClientExchange upstream, DownstreamExchange exchange) {
    HeaderMap trailers = upstream.getAttachment(HttpAttachments.REQUEST_TRAILERS);
    if (trailers != null) exchange.setResponseTrailers(trailers);
  }
}
