package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One client request and its response, as the gateway's request handling sees it: exactly what {@link
 * GatewayHandler}, {@link ProxyExchange} and their helpers use of the server that accepted the request, and no more.
 *
 * <p>Why it exists: the handling must not depend on which server parsed the request. Today {@link UndertowExchange}
 * adapts Undertow's {@code HttpServerExchange}; {@link Http1ServerExchange} is the gateway's own HTTP/1.1 server's
 * (Undertow's server side costs too much per request). Plain data types that
 * any server can fill (Undertow's {@link HeaderMap}, {@link HttpString}, {@link AttachmentKey}; XNIO's channels,
 * threads and option maps) stay; what is specific to one server is said in the gateway's own terms
 * ({@link #dispatch}, {@link #onComplete}, {@link #closeConnection}...).
 *
 * <p>Everything is called on the exchange's I/O thread. The Javadoc of each method states the behaviour the
 * gateway relies on, which a new implementation has to reproduce.
 */
interface DownstreamExchange {

  // The request.

  HttpString method();

  /** The request target as sent, without the query; for an absolute-form target, with its scheme and host. */
  String requestUri();

  /** The query without its {@code ?}; empty (or null) when there is none. */
  String queryString();

  /** Whether the target is in absolute form ({@code http://host/path}). */
  boolean isAbsoluteTarget();

  /** {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2.0}, or whatever the client sent. */
  HttpString protocol();

  boolean isHttp11();

  /** {@code http} or {@code https}: how the client reached the gateway. */
  String scheme();

  /** The request's header fields; HTTP/2 pseudo-headers may be among them. Mutable. */
  HeaderMap requestHeaders();

  InetSocketAddress sourceAddress();

  InetSocketAddress destinationAddress();

  /** The declared body length; -1 when unknown (chunked) or absent. */
  long requestContentLength();

  /**
   * Whether the server that read the head already held it to every rule of {@link RequestGuard} (the gateway's own
   * HTTP/1.1 server serves only such heads, see {@link ClientHead}); the guard is then not run a second time.
   */
  boolean headMeetsGuard();

  /** Whether the request body is known to be read whole already (or there is none). */
  boolean isRequestComplete();

  /** Whether the response status is already 101 (Switching Protocols). */
  boolean isUpgrade();

  /** Whether the client waits for a 100 (Continue) before sending its body. */
  boolean expectsContinue();

  /** Writes 100 (Continue); then {@code sent} runs, or {@code failed} when the write fails. */
  void sendContinue(Runnable sent, Runnable failed);

  /** Caps the request body: reading beyond it fails with {@code io.undertow.server.RequestTooBigException}. */
  void setMaxEntitySize(long bytes);

  long maxEntitySize();

  /**
   * Reads the whole body, then calls back (possibly before this method returns). When it had to wait, the callback
   * runs as if it were a new request handler: it must {@link #dispatch} to keep the exchange open.
   */
  void receiveFullBody(Consumer<byte[]> body, Consumer<IOException> failed);

  /** The request body, read as it arrives. */
  StreamSourceChannel requestChannel();

  /**
   * Writes to {@code sink} the body bytes that arrived with the request head and are still unread, straight from the
   * buffer they were read into, when they are the whole body (a small body usually came whole with its head); they
   * then count as read. Returns how many were written; 0 when this exchange keeps no such bytes or only a part of the
   * body (that part is then read from {@link #requestChannel} with the rest, to leave in as few writes as it can).
   * Only an optimisation.
   */
  default long sendBufferedBody(StreamSinkChannel sink) throws IOException {
    return 0;
  }

  /**
   * Keeps the client connection's read interest registered while the request is relayed (once its body is read, or
   * when there is none); see {@link ClientReads}. Only an optimisation: may do nothing.
   */
  void keepReadsRegistered();

  // The response.

  int statusCode();

  void setStatusCode(int status);

  /** Mutable until the response commits. */
  HeaderMap responseHeaders();

  /**
   * Takes {@code headers} as the response's headers, the map itself rather than a copy, when the response has none
   * yet and the server can swap its map; false: nothing changed, copy them instead. The caller gives the map up.
   */
  default boolean adoptResponseHeaders(HeaderMap headers) {
    return false;
  }

  void setResponseContentLength(long length);

  /**
   * Whether the response has started: its channel handed out (its framing fixed) or its head committed. Too late for
   * another status or another body then.
   */
  boolean isResponseStarted();

  /** The connection closes once this response is out. */
  void closeAfterResponse();

  /** Runs just before the response head is written, whoever writes it; may still change the headers. */
  void onCommit(Runnable beforeCommit);

  /** Sends {@code body} as the whole response body and ends the exchange; a failed write closes the connection. */
  void sendAndEnd(ByteBuffer body);

  /** Ends the exchange: what is left of the response is sent, what is left of the request body is discarded. */
  void end();

  /** The response body; closing it (after a flush) ends the response. */
  StreamSinkChannel responseChannel();

  long responseBytesSent();

  /** Trailers to send after the response body (HTTP/2, and chunked HTTP/1.1). */
  void setResponseTrailers(HeaderMap trailers);

  /**
   * Makes the response a 101 (Switching Protocols) with {@code Connection: Upgrade}; once it is written, hands over
   * the client's raw connection, and the exchange is over. Only for a request that carries {@code Upgrade}.
   */
  void upgrade(Consumer<StreamConnection> switched);

  // The exchange and its connection.

  <T> T attachment(AttachmentKey<T> key);

  <T> void attach(AttachmentKey<T> key, T value);

  /**
   * Runs when the exchange is over (response sent, failed, or connection closed), once. Listeners run in the reverse
   * order of their registration: the last one registered runs first.
   */
  void onComplete(Runnable completed);

  /**
   * Runs {@code task} on this I/O thread once the current handler returns, and keeps the exchange open after it:
   * without a dispatch, a handler that returns ends the exchange.
   */
  void dispatch(Runnable task);

  XnioIoThread ioThread();

  /** The worker whose I/O threads serve the connection (for upstream connections and blocking lookups). */
  XnioWorker worker();

  ByteBufferPool bufferPool();

  /** The listener's options holding {@link ListenerOptions}'s {@code GUARD_*} limits; empty when there are none. */
  OptionMap guardLimits();

  boolean isConnectionOpen();

  /** Closes the client connection at once, mid-response or not. */
  void closeConnection();
}
