package io.dragoman.gateway.proxy;

import io.undertow.UndertowLogger;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.channels.Configurable;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.conduits.WriteReadyHandler;

/**
 * The gateway's own HTTP/1.1 server for one clear-text client connection: reads each request head into what the
 * router reads ({@link ClientHead}), runs the handler on an {@link Http1ServerExchange}, and moves on to the next
 * request once the exchange is over. It exists because Undertow's server side cost more per small request than the
 * whole relay (its parser and exchange, a Host regex per request, a conduit stack per request).
 *
 * <p>It serves the common requests only. The first request it does not serve itself (see {@link ClientHead}: a
 * chunked or {@code Expect} body, an upgrade, HEAD, HTTP/1.0, HTTP/2's preface, a head past the limits...) hands the
 * connection, with every byte read so far, to Undertow, which serves the rest of it exactly as it serves a
 * connection from the start. The hand-off happens between requests only, so nothing is ever half-served twice.
 *
 * <p>It reads through the connection's conduits ({@link FramingConduit}, {@link IdleSweep}), so framing violations,
 * the head timeout and the idle limit apply as before. The framing check is deferred while this server serves whole
 * messages (its own parse is stricter) and catches up on the bytes in hand when it would not be: before a hand-off or
 * a wait for the rest of a head. Everything runs on the connection's I/O thread.
 */
final class Http1ServerConnection implements ReadReadyHandler {

  /** What a listener's connections share. */
  record Server(
      Consumer<DownstreamExchange> handler,
      ByteBufferPool buffers,
      ByteBufferPool heads,
      OptionMap guardLimits,
      long maxRequestBodyBytes,
      ClientHead.Limits limits,
      long idleConnectionTimeoutMs) {}

  private final StreamConnection connection;
  private final Server server;
  private final BiConsumer<StreamConnection, PooledByteBuffer> handOff;
  private final StreamSourceConduit source;
  private final StreamSinkConduit sink;
  /** The framing check under this server's reads, when installed (always, on the public listener); else null. */
  private final FramingConduit framing;
  /** Bytes read and not yet consumed, in read mode (position to limit); null when there are none. */
  private PooledByteBuffer in;
  private Http1ServerExchange exchange;
  private RequestBody draining;
  private Runnable afterDrain;
  private boolean reading; // inside the read loop: an exchange that ends lets the loop go on
  private boolean readsLent; // a body's reader has had the socket's read handler since it was last reclaimed
  private boolean closed;
  private InetSocketAddress peer;
  private InetSocketAddress local;
  private long waitingSince = -1; // nanoTime since the connection waits for a request with nothing in hand
  private XnioExecutor.Key idleTimer;

  private Http1ServerConnection(
      StreamConnection connection, Server server, BiConsumer<StreamConnection, PooledByteBuffer> handOff) {
    this.connection = connection;
    this.server = server;
    this.handOff = handOff;
    this.source = connection.getSourceChannel().getConduit();
    this.sink = connection.getSinkChannel().getConduit();
    this.framing = source instanceof FramingConduit f ? f : null;
  }

  /**
   * Starts serving a just-accepted connection, on its I/O thread.
   *
   * @param handOff gives the connection and the bytes read so far to Undertow
   */
  static void serve(
      StreamConnection connection, Server server, BiConsumer<StreamConnection, PooledByteBuffer> handOff) {
    Http1ServerConnection c = new Http1ServerConnection(connection, server, handOff);
    connection.setCloseListener(closed -> c.closed());
    if (c.framing != null) c.framing.defer();
    c.source.setReadReadyHandler(c);
    c.readRequests();
  }

  // Reading requests.

  @Override
  public void readReady() {
    if (draining != null) {
      drainMore();
    } else if (exchange != null) {
      source.suspendReads(); // the client sent more, or closed, while its request is served: look after it
    } else {
      readRequests();
    }
  }

  @Override
  public void forceTermination() {
    close();
  }

  @Override
  public void terminated() {}

  /** Parses and serves the requests in hand, reading more while none is in progress. */
  private void readRequests() {
    if (reading) return;
    reading = true;
    try {
      while (exchange == null && !closed) {
        if (in != null) {
          ByteBuffer b = in.getBuffer();
          int offset = b.arrayOffset();
          ClientHead head = ClientHead.parse(b.array(), offset + b.position(), offset + b.limit(), server.limits());
          if (head == ClientHead.HAND_OFF) {
            if (caughtUp()) handOff();
            return;
          }
          if (head != null) {
            b.position(head.end - offset);
            start(head);
            continue;
          }
          // A head in pieces: the framing check's clock times it from here on (the head timeout).
          if (b.hasRemaining() && !caughtUp()) return;
        }
        if (!readMore()) return;
      }
    } finally {
      reading = false;
    }
  }

  /** Reads what the socket has; false when there is nothing (reads are then resumed) or the connection ended. */
  private boolean readMore() {
    if (in == null) {
      in = server.heads().allocate();
      in.getBuffer().limit(0); // read mode, empty
    }
    ByteBuffer b = in.getBuffer();
    b.compact();
    int n;
    try {
      n = source.read(b);
    } catch (IOException e) {
      b.flip();
      close();
      return false;
    }
    b.flip();
    if (n > 0) {
      waitingSince = -1;
      return true;
    }
    if (n < 0) {
      close(); // the client closed between requests (or the framing check refused and closed)
      return false;
    }
    if (!b.hasRemaining()) release();
    waitForRequest();
    source.resumeReads();
    return false;
  }

  private void start(ClientHead head) {
    RequestBody body = new RequestBody(source, this, head.contentLength);
    Http1ServerExchange ex = new Http1ServerExchange(this, head, body);
    exchange = ex;
    if (!body.complete() && buffered() < body.remaining()) {
      source.suspendReads(); // the body's reader asks the socket for its bytes when it wants them
    }
    ex.runHandler(() -> server.handler().accept(ex));
  }

  /**
   * The framing check, deferred while this server serves whole messages, catches up on the bytes in hand before it
   * waits for the rest of a head or gives the connection to Undertow. False when the check refused them and the
   * connection is closed.
   */
  private boolean caughtUp() {
    if (framing == null || !framing.deferred()) return true;
    return framing.catchUp(in == null ? null : in.getBuffer());
  }

  /** Hands the connection, and what was read of it, to Undertow for the rest of its life. */
  private void handOff() {
    PooledByteBuffer extra = in != null ? in : server.heads().allocate();
    if (in == null) extra.getBuffer().limit(0);
    in = null;
    cancelIdleTimer();
    source.suspendReads(); // as on a fresh connection: Undertow resumes reads when it wants them
    // The readiness of the socket goes back to the connection's channels, which Undertow listens to (this
    // connection's handler, or the last response channel's, had it).
    source.setReadReadyHandler(new ReadReadyHandler.ChannelListenerHandler<>(connection.getSourceChannel()));
    sink.setWriteReadyHandler(new WriteReadyHandler.ChannelListenerHandler<>(connection.getSinkChannel()));
    closed = true; // no longer ours
    handOff.accept(connection, extra);
  }

  // For the exchange and its body.

  /** Bytes read past the current head and not consumed. */
  int buffered() {
    return in == null ? 0 : in.getBuffer().remaining();
  }

  /** Moves up to {@code max} buffered bytes into {@code dst}. */
  int takeBuffered(ByteBuffer dst, long max) {
    if (in == null) return 0;
    ByteBuffer b = in.getBuffer();
    int n = (int) Math.min(Math.min(b.remaining(), dst.remaining()), max);
    if (n == 0) return 0;
    int limit = b.limit();
    b.limit(b.position() + n);
    dst.put(b);
    b.limit(limit);
    if (!b.hasRemaining()) release();
    return n;
  }

  /** Writes up to {@code max} buffered bytes to {@code sink}, from the buffer itself; returns how many it took. */
  int writeBuffered(StreamSinkChannel sink, long max) throws IOException {
    if (in == null) return 0;
    ByteBuffer b = in.getBuffer();
    int n = (int) Math.min(b.remaining(), max);
    if (n == 0) return 0;
    int limit = b.limit();
    b.limit(b.position() + n);
    int written;
    try {
      written = sink.write(b);
    } finally {
      b.limit(limit);
    }
    if (!b.hasRemaining()) release();
    return written;
  }

  /** A body's reader puts its own handler on the socket. */
  void lendReads() {
    readsLent = true;
  }

  /** The body's reader is done with the socket: readiness comes back here. */
  void reclaimReads() {
    readsLent = false;
    source.setReadReadyHandler(this);
  }

  void keepReadsRegistered() {
    source.resumeReads();
  }

  /** Once {@code body} is read to its end (what is left of it is dropped), runs {@code then}. */
  void drainThen(RequestBody body, Runnable then) {
    if (body.complete()) {
      then.run();
      return;
    }
    body.terminateReads(); // the body's reader, if any, gets no more events
    reclaimReads();
    draining = body;
    afterDrain = then;
    drainMore();
  }

  private void drainMore() {
    PooledByteBuffer scratch = server.buffers().allocate();
    try {
      while (!draining.complete()) {
        int n = draining.discard(scratch.getBuffer().clear());
        if (n == 0) {
          source.resumeReads();
          return;
        }
      }
    } catch (IOException e) {
      draining = null;
      close();
      return;
    } finally {
      scratch.close();
    }
    draining = null;
    Runnable then = afterDrain;
    afterDrain = null;
    then.run();
  }

  /** The exchange is over: on to the next request, or close. */
  void exchangeDone(Http1ServerExchange done, boolean keepAlive) {
    if (exchange != done) return;
    exchange = null;
    if (!keepAlive || closed) {
      close();
      return;
    }
    if (readsLent) reclaimReads(); // a body read whole off the socket may have left its reader's handler there
    if (reading) return; // the read loop goes on with the next request
    if (buffered() > 0) {
      // A pipelined request: started from the event loop, not from inside the call that ended this exchange.
      execute(this::readRequests);
    } else {
      waitForRequest();
      source.resumeReads();
    }
  }

  void handlerFailed(Http1ServerExchange ex, Throwable e) {
    UndertowLogger.REQUEST_LOGGER.errorf(e, "request handling failed");
    if (ex.isResponseStarted() || ex.isCompleted() || ex.isEnding()) {
      close(); // too late for a 500 (or one is already on its way): only a close is honest
      return;
    }
    ex.responseHeaders().clear();
    ex.setStatusCode(500);
    ex.closeAfterResponse();
    ex.end();
  }

  void listenerFailed(RuntimeException e) {
    UndertowLogger.REQUEST_LOGGER.errorf(e, "exchange completion listener failed");
  }

  Configurable channel() {
    return connection;
  }

  StreamSinkConduit socketSink() {
    return sink;
  }

  ByteBufferPool buffers() {
    return server.buffers();
  }

  OptionMap guardLimits() {
    return server.guardLimits();
  }

  /** The listener's body limit, until a route sets its own. */
  long maxRequestBodyBytes() {
    return server.maxRequestBodyBytes();
  }

  XnioIoThread ioThread() {
    return connection.getIoThread();
  }

  InetSocketAddress peer() {
    if (peer == null) peer = connection.getPeerAddress(InetSocketAddress.class);
    return peer;
  }

  InetSocketAddress local() {
    if (local == null) local = connection.getLocalAddress(InetSocketAddress.class);
    return local;
  }

  boolean isOpen() {
    return !closed && connection.isOpen();
  }

  void close() {
    IoUtils.safeClose(connection);
  }

  /** The connection closed (from either side): the exchange in progress, if any, is over. */
  private void closed() {
    closed = true;
    cancelIdleTimer();
    release();
    draining = null;
    Http1ServerExchange ex = exchange;
    if (ex != null) ex.complete();
  }

  private void release() {
    PooledByteBuffer b = in;
    in = null;
    if (b != null) b.close();
  }

  // The limit on a keep-alive connection waiting for its next request (Undertow's NO_REQUEST_TIMEOUT).

  /** Notes the start of a wait; the timer is armed once and re-armed only when it fires early. */
  private void waitForRequest() {
    if (waitingSince < 0) waitingSince = System.nanoTime();
    if (idleTimer == null) armIdleTimer(server.idleConnectionTimeoutMs());
  }

  private void idleCheck() {
    idleTimer = null;
    if (closed) return;
    long limitMs = server.idleConnectionTimeoutMs();
    if (exchange != null || waitingSince < 0 || headInHand()) {
      armIdleTimer(limitMs); // busy (a head in pieces has the head timeout): look again later
      return;
    }
    long leftMs = limitMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitingSince);
    if (leftMs <= 0) {
      close();
    } else {
      armIdleTimer(leftMs);
    }
  }

  /**
   * Bytes of a request head in hand. The empty lines a client may send before a request are not one: the head
   * timeout never starts for them, so a client that sends one and falls silent is idle.
   */
  private boolean headInHand() {
    if (in == null) return false;
    ByteBuffer b = in.getBuffer();
    for (int i = b.position(); i < b.limit(); i++) {
      byte c = b.get(i);
      if (c != '\r' && c != '\n') return true;
    }
    return false;
  }

  private void armIdleTimer(long ms) {
    try {
      idleTimer = connection.getIoThread().executeAfter(this::idleCheck, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      close(); // the listener is shutting down
    }
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.remove();
      idleTimer = null;
    }
  }

  private void execute(Runnable task) {
    try {
      connection.getIoThread().execute(task);
    } catch (RejectedExecutionException e) {
      close();
    }
  }
}
