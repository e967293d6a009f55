package io.dragoman.gateway.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Keeps a keep-alive client's read interest registered while its request is relayed: Undertow's side of {@link
 * DownstreamExchange#keepReadsRegistered()}, used by {@link UndertowExchange} only.
 *
 * <p>Undertow suspends reads on the client's connection once the request body has been read and resumes them when
 * the exchange ends. Each change reaches epoll as an {@code epoll_ctl} call, and on a virtual machine a system call
 * costs about as much as the rest of relaying a small request. A client that waits for its answer sends nothing
 * meanwhile, so leaving the interest registered costs nothing. If it does send (a pipelined request) or closes, the
 * first event parks the connection, as Undertow would have, and Undertow takes the channel back when the exchange
 * ends.
 *
 * <p>The interest is set on the connection's own conduit, below the request's body conduits: a finished body
 * conduit answers a resume by waking its listener at once.
 */
final class ClientReads {
  private ClientReads() {}

  /** Call on the I/O thread once the request body has been read (or when there is none). */
  static void keepRegistered(HttpServerExchange exchange) {
    if (!(exchange.getConnection() instanceof HttpServerConnection http)) return; // HTTP/2 streams: not ours
    StreamSourceConduit raw = http.getOriginalSourceConduit();
    if (raw.isReadResumed() || raw.isReadShutdown()) return;
    http.getChannel().getSourceChannel().setReadListener(ch -> raw.suspendReads());
    raw.resumeReads();
  }
}
