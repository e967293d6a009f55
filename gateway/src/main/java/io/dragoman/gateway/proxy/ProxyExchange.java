package io.dragoman.gateway.proxy;

import io.dragoman.gateway.policy.CircuitBreakerState;
import io.dragoman.gateway.policy.RetryDecider;
import io.dragoman.gateway.routing.Route;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request relayed to one upstream, possibly in several tries. Everything runs on the exchange's I/O thread, so
 * the fields need no synchronisation. Bodies stream in both directions through small pooled buffers; a body is held
 * whole only when something needs it twice (a retry or a shadow copy) and its length is known and small.
 *
 * <p>States: acquiring a connection, sending (request head, then body), relaying the response. {@code answered}
 * turns true once the client is committed to an answer (the gateway's own error, or the upstream's response):
 * whatever loses a race after that (a late response after a timeout, a timer after the response) only cleans up.
 * Each try has a number; callbacks of an abandoned try see a different number and do nothing.
 */
final class ProxyExchange {
  /** A retry needs the body again: hold it when it is at most this long (and its length is known). */
  static final int MAX_RETRY_BODY_BYTES = 64 * 1024;

  private final DownstreamExchange exchange;
  private final Route route;
  private final String forwardPath;
  private final List<Route> shadows;
  private final ProxyContext context;
  private final boolean h2c;
  private final String upgrade;
  private final CircuitBreakerState breaker;
  private final RetryDecider retry;
  private final Attempts attempts;

  /** The whole body when held for a retry or shadow; null when it streams. */
  private ByteBuffer body;
  /** The request body's pump while it streams to the upstream; stopped when the exchange gives up on it. */
  private Pump requestPump;
  private int tryId;
  private Deadlines.Deadline timer;
  private XnioExecutor.Key tryTimer;
  private boolean answered;
  private boolean upgraded;

  // The current try.
  private ClientConnection connection;
  private boolean bodyStarted;
  private boolean requestSent;
  private boolean responseRead;
  private boolean retriedStale;
  /** The upstream's whole body while it is written to the client; given back when written or when the exchange ends. */
  private PooledByteBuffer responseBody;
  private long lastActivityNanos;

  ProxyExchange(
      DownstreamExchange exchange, Route route, String forwardPath, List<Route> shadows, ProxyContext context) {
    this.exchange = exchange;
    this.route = route;
    this.forwardPath = forwardPath;
    this.shadows = shadows;
    this.context = context;
    this.h2c = route.mapping().forward().grpc();
    this.upgrade = UpstreamHeaders.allowedUpgrade(exchange, route);
    this.breaker = context.policies().breaker(route);
    this.retry = upgrade == null ? context.policies().retry(route) : null;
    this.attempts = new Attempts(breaker, retry);
  }

  void start() {
    long timeout = route.timeoutMs();
    if (timeout > 0) {
      timer = Deadlines.start(exchange.ioThread(), timeout, this::timedOut);
    }
    exchange.onComplete(this::finish);
    if (!attempts.admit()) {
      fail(Failure.UPSTREAM_OVERFLOW, attempts.refusal());
      return;
    }
    if (exchange.isRequestComplete()) {
      body = ByteBuffer.allocate(0);
      bodyReady();
      return;
    }
    long bound = holdBound();
    long length = exchange.requestContentLength();
    if (length < 0 || length > bound) {
      if (!shadows.isEmpty()) context.shadows().dropAll(shadows, context);
      tryOnce();
      return;
    }
    exchange.receiveFullBody(
        bytes -> resume(() -> {
          body = ByteBuffer.wrap(bytes);
          bodyReady();
        }),
        e -> resume(() -> clientBodyBroke(e)));
  }

  /** How much body to hold: enough for a shadow copy, or for a retry; nothing when neither applies. */
  private long holdBound() {
    if (upgrade != null) return -1;
    if (!shadows.isEmpty()) return Math.max(context.shadows().maxBodyBytes(), retry == null ? 0 : MAX_RETRY_BODY_BYTES);
    return retry == null ? -1 : MAX_RETRY_BODY_BYTES;
  }

  /**
   * The receiver calls back as a root handler when it had to wait for the body, and a root handler that returns
   * undispatched ends the exchange: dispatching to the same thread keeps it open for the relay.
   */
  private void resume(Runnable next) {
    exchange.dispatch(next);
  }

  private void bodyReady() {
    if (answered) return;
    if (!shadows.isEmpty() && upgrade == null) {
      context.shadows().send(exchange, shadows, exchange.attachment(ProxyAttachments.PATH), body, context);
    }
    tryOnce();
  }

  private void tryOnce() {
    int id = ++tryId;
    bodyStarted = false;
    requestSent = false;
    responseRead = false;
    if (retry != null) {
      long perTry = retry.perTryTimeoutMs(route.timeoutMs());
      if (perTry > 0 && perTry != route.timeoutMs()) {
        tryTimer = exchange.ioThread().executeAfter(() -> tryTimedOut(id), perTry, TimeUnit.MILLISECONDS);
      }
    }
    acquire(id);
  }

  private void acquire(int id) {
    context.pools().acquire(
        route.mapping().service(),
        h2c,
        breaker,
        exchange.ioThread(),
        exchange.worker(),
        route.connectTimeoutMs(),
        new ConnectionPools.Callback() {
          @Override
          public void connected(ClientConnection c, boolean reused) {
            if (answered || id != tryId) {
              context.pools().release(route.mapping().service(), c); // unused: good as new
              return;
            }
            connection = c;
            noteActivity();
            idleLimit(c);
            if (reused) {
              // leaves with the other requests read in this pass (see EndOfPass); a fresh connection is already late
              EndOfPass.defer(exchange.ioThread(), () -> {
                if (connection != c) return; // the exchange ended or moved on meanwhile, and let the connection go
                if (!answered && id == tryId) {
                  send(id, true);
                } else {
                  dropConnection();
                }
              });
              return;
            }
            send(id, reused);
          }

          @Override
          public void failed(Failure failure, String message) {
            if (id != tryId) return;
            if (failure == Failure.UPSTREAM_CONNECT && mayRetry(RetryDecider::retryOnConnectFailure)) {
              retryLater();
              return;
            }
            fail(failure, failure == Failure.UPSTREAM_CONNECT ? "upstream connect error: " + message : message);
          }
        });
  }

  private void send(int id, boolean reused) {
    ClientRequest request = new ClientRequest().setMethod(exchange.method()).setPath(forwardPath);
    UpstreamHeaders.write(exchange, route, context, request.getRequestHeaders(), upgrade);
    connection.sendRequest(request, new ClientCallback<>() {
      @Override
      public void completed(ClientExchange upstream) {
        if (id != tryId) return;
        upstream.setResponseListener(new ClientCallback<>() {
          @Override
          public void completed(ClientExchange result) {
            if (id == tryId) respond(result);
          }

          @Override
          public void failed(IOException e) {
            if (id == tryId) upstreamBroke(e, reused);
          }
        });
        sendBody(upstream);
      }

      @Override
      public void failed(IOException e) {
        if (id == tryId) upstreamBroke(e, reused);
      }
    });
  }

  /** {@code idle_timeout_ms}: the upstream may stay silent at most this long while we wait on it. */
  private void idleLimit(ClientConnection c) {
    if (route.idleTimeoutMs() <= 0) return; // the common case: pooled connections carry no limit
    setReadTimeout(c, (int) Math.min(Integer.MAX_VALUE, route.idleTimeoutMs()));
  }

  private static void setReadTimeout(ClientConnection c, int ms) {
    try {
      c.setOption(Options.READ_TIMEOUT, ms);
    } catch (IOException | IllegalArgumentException e) {
      // not every connection type supports it; the whole-exchange timeout still bounds the wait
    }
  }

  private void sendBody(ClientExchange upstream) {
    StreamSinkChannel sink = upstream.getRequestChannel();
    Runnable sent = () -> {
      requestSent = true;
      noteActivity();
    };
    if (body != null) {
      BodyWriter.write(sink, body.duplicate(), sent, e -> upstreamBroke(e, false));
      return;
    }
    // The client's body, read as it comes: once all of it is sent, the client's reads may stay registered.
    Runnable streamed = () -> {
      sent.run();
      if (upgrade == null) exchange.keepReadsRegistered();
    };
    bodyStarted = true;
    try {
      exchange.sendBufferedBody(sink);
    } catch (IOException e) {
      upstreamBroke(e, false);
      return;
    }
    if (exchange.isRequestComplete()) {
      // The body came whole with its head and is written: only the end is left to send.
      BodyWriter.write(sink, ByteBuffer.allocate(0), streamed, e -> upstreamBroke(e, false));
      return;
    }
    requestPump = Pump.start(exchange.requestChannel(), sink, new Pump.Events() {
      @Override
      public void sourceEnded(StreamSourceChannel source) {
        closeEnded(source);
      }

      @Override
      public void done() {
        streamed.run();
      }

      @Override
      public void sourceFailed(IOException e) {
        if (answered) {
          // The gateway already answered (a timeout, say) and Undertow ended the request under the pump: the upstream
          // gets a cut body; the client's connection is left to Undertow, which closes it once the answer is out.
          dropConnection();
          return;
        }
        clientBodyBroke(e);
      }

      @Override
      public void sinkFailed(IOException e) {
        upstreamBroke(e, false);
      }
    }, exchange.bufferPool(), context.largeBuffers(), exchange.requestContentLength());
  }

  private void respond(ClientExchange upstream) {
    if (answered) {
      IoUtils.safeClose(connection); // we already answered (timeout): this connection is mid-response
      return;
    }
    ClientResponse response = upstream.getResponse();
    int status = response.getResponseCode();
    if (mayRetry(r -> r.retryOnStatus(status))) {
      dropConnection(); // its body is unread: not reusable
      retryLater();
      return;
    }
    answered = true;
    cancelTryTimer();
    exchange.setStatusCode(response.getResponseCode());
    boolean switched = upgrade != null && status == 101;
    String protocol = switched ? response.getResponseHeaders().getFirst(Headers.UPGRADE) : null; // hop-by-hop
    // Read before the map is the client's (framing and route rules change it); a body in hand needs no pump.
    long length = !switched && Http1Connection.holdsWholeBody(upstream) ? -1 : bodyLength(response);
    HeaderMap out = responseHeaders(response.getResponseHeaders());
    List<String> removed = route.mapping().forward().removeResponseHeaders();
    for (int i = 0; i < removed.size(); i++) out.remove(removed.get(i)); // (indexed: no iterator per response)
    HeaderRules.add(out, route.addResponseHeaders());
    if (switched) {
      upgrade(upstream, protocol);
    } else {
      PooledByteBuffer whole = Http1Connection.takeWholeBody(upstream);
      if (whole != null) {
        relayWhole(whole);
        return;
      }
    }
    Pump.start(upstream.getResponseChannel(), exchange.responseChannel(), new Pump.Events() {
      @Override
      public void sourceEnded(StreamSourceChannel source) {
        responseRead = true;
        closeEnded(source);
        if (h2c) Trailers.relay(upstream, exchange);
      }

      @Override
      public void done() {}

      @Override
      public void sourceFailed(IOException e) {
        abortBoth();
      }

      @Override
      public void sinkFailed(IOException e) {
        abortBoth();
      }
    }, exchange.bufferPool(), context.largeBuffers(), length);
  }

  /** The upstream's body came whole with its head: it goes to the client from the buffer it was read into. */
  private void relayWhole(PooledByteBuffer whole) {
    responseRead = true;
    responseBody = whole;
    BodyWriter.write(exchange.responseChannel(), whole.getBuffer(), this::releaseResponseBody, e -> abortBoth());
  }

  private void releaseResponseBody() {
    PooledByteBuffer b = responseBody;
    responseBody = null;
    if (b != null) b.close();
  }

  /**
   * The client's response headers: the upstream's end-to-end ones. The own HTTP/1.1 client's map is ours once its head
   * is parsed (nothing reads it after), so the response can take it as it is, hop-by-hop headers removed, instead of a
   * copy; Undertow's client still reads its map (Connection) when the exchange ends, and Undertow's server cannot take
   * a map, so those copy.
   */
  private HeaderMap responseHeaders(HeaderMap upstream) {
    if (connection instanceof Http1Connection) {
      HeaderRules.keepEndToEnd(upstream);
      if (exchange.adoptResponseHeaders(upstream)) return upstream;
      HeaderMap out = exchange.responseHeaders();
      out.putAll(upstream);
      return out;
    }
    HeaderMap out = exchange.responseHeaders();
    HeaderRules.copyEndToEnd(upstream, out, false);
    return out;
  }

  /**
   * The upstream switched protocols: once the 101 is written, the client's connection and the upstream's are joined
   * byte for byte. Neither goes back to a pool, and the request timeout no longer applies to the stream.
   */
  private void upgrade(ClientExchange upstream, String protocol) {
    upgraded = true;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    ClientConnection c = connection;
    connection = null;
    exchange.upgrade(client -> Upgrades.join(client, c, exchange.bufferPool()));
    if (protocol != null) exchange.responseHeaders().put(Headers.UPGRADE, protocol);
  }

  /** The upstream connection failed before or while we sent the request or awaited the head. */
  private void upstreamBroke(IOException e, boolean reused) {
    if (answered) {
      abortBoth();
      return;
    }
    dropConnection();
    if (e instanceof RequestHead.UnsafeException) {
      // The route's own rewrite or added header holds what HTTP/1.1 cannot carry: no upstream is to blame.
      fail(Failure.UPSTREAM_RESET, e.getMessage());
      return;
    }
    if (reused && !bodyStarted && !retriedStale && UpstreamErrors.mayBeStale(e)) {
      // A pooled keep-alive connection the upstream had already closed: nothing reached it, so try a fresh one.
      retriedStale = true;
      acquire(tryId);
      return;
    }
    if (UpstreamErrors.isReadTimeout(e) || idleExpired()) {
      fail(Failure.UPSTREAM_TIMEOUT, "upstream idle for more than " + route.idleTimeoutMs() + " ms");
      return;
    }
    if (!reused && route.mapping().service().tls()) {
      // XNIO handshakes on first use and reports a refused certificate (untrusted, or for another host) only as
      // a closed channel: a new TLS connection that breaks before any answer is counted as a connect failure.
      if (mayRetry(RetryDecider::retryOnConnectFailure)) {
        retryLater();
        return;
      }
      SSLException tls = UpstreamErrors.tlsFailure(e);
      fail(Failure.UPSTREAM_CONNECT, "upstream TLS connection failed (handshake or certificate verification): "
          + UpstreamErrors.describe(tls == null ? e : tls));
      return;
    }
    if (mayRetry(RetryDecider::retryOnReset)) {
      retryLater();
      return;
    }
    fail(Failure.UPSTREAM_RESET, "upstream reset: " + UpstreamErrors.describe(e));
  }

  private void tryTimedOut(int id) {
    tryTimer = null;
    if (answered || id != tryId) return;
    dropConnection();
    if (mayRetry(RetryDecider::retryOnPerTryTimeout)) {
      retryLater();
      return;
    }
    long perTry = retry.perTryTimeoutMs(route.timeoutMs());
    fail(Failure.UPSTREAM_TIMEOUT, "upstream per-try timeout after " + perTry + " ms");
  }

  /** Whether this failed try may be tried again: the body can be sent again, and {@link Attempts} allows it. */
  private boolean mayRetry(Predicate<RetryDecider> condition) {
    return !answered && body != null && attempts.mayRetry(condition);
  }

  /** Waits out the back-off, then tries again; the request timeout keeps running over all tries. */
  private void retryLater() {
    cancelTryTimer();
    int retries = attempts.nextRetry();
    int id = ++tryId; // the failed try's late callbacks are now stale
    context.listener().retried(route.mapping().name(), route.mapping().namespace());
    long delay = context.policies().backoff().delayMs(retries);
    tryTimer = exchange.ioThread().executeAfter(() -> {
      tryTimer = null;
      if (!answered && id == tryId) tryOnce();
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void cancelTryTimer() {
    if (tryTimer != null) {
      tryTimer.remove();
      tryTimer = null;
    }
  }

  private void clientBodyBroke(IOException e) {
    if (e instanceof RequestTooBigException) {
      fail(Failure.BODY_TOO_LARGE, "request body larger than " + exchange.maxEntitySize() + " bytes");
      return;
    }
    if (!answered && exchange.isConnectionOpen()) {
      // A body the server could not read (e.g. a malformed chunk): refuse it, and close.
      fail(Failure.BAD_REQUEST, "malformed request body");
      return;
    }
    abortBoth(); // the client went away mid-body: nobody to answer
  }

  private void timedOut() {
    timer = null;
    if (answered) {
      abortBoth(); // response started but not done in time: cut it, as Envoy does
      return;
    }
    fail(Failure.UPSTREAM_TIMEOUT, "upstream timeout after " + route.timeoutMs() + " ms");
  }

  private void fail(Failure failure, String message) {
    if (answered) return;
    answered = true;
    cancelTryTimer();
    // The abandoned try's late callbacks (its connection fails once closed, at once or on its next read) are now
    // stale: they must not cut the client's connection while this answer is on its way.
    tryId++;
    dropConnection(); // mid-exchange: never reusable
    stopRequestPump();
    if (failure.upstream()) {
      context.listener().upstreamFailure(route.mapping().name(), route.mapping().namespace(), failure.reason());
    }
    if (bodyStarted && !requestSent) {
      // The body was still streaming (a stalled upload, say): close after the answer rather than make the client
      // finish a body nobody will read.
      exchange.closeAfterResponse();
    }
    ErrorResponses.send(exchange, failure, message);
  }

  private void abortBoth() {
    answered = true;
    dropConnection();
    stopRequestPump();
    exchange.closeConnection();
    releaseResponseBody(); // nothing writes it any more; finish() would too, but only once the server ends the exchange
  }

  private void stopRequestPump() {
    if (requestPump != null) {
      requestPump.stop();
      requestPump = null;
    }
  }

  /**
   * Closes the current try's connection. The field is cleared first: closing an HTTP/2 connection fails its
   * streams at once, which calls back into this exchange.
   */
  private void dropConnection() {
    ClientConnection c = connection;
    connection = null;
    IoUtils.safeClose(c);
  }

  /** The client's exchange is over: give the connection back only if it finished a whole, clean exchange. */
  private void finish() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    answered = true; // a pending back-off must not start another try
    cancelTryTimer();
    stopRequestPump();
    releaseResponseBody();
    attempts.release();
    ClientConnection c = connection;
    connection = null;
    if (c == null || upgraded) return;
    if (requestSent && responseRead) {
      if (route.idleTimeoutMs() > 0) setReadTimeout(c, 0); // the next route may have none
      context.pools().release(route.mapping().service(), c);
    } else {
      IoUtils.safeClose(c);
    }
  }

  /** For {@link #idleExpired}: a clock read only on routes with an idle limit (most have none). */
  private void noteActivity() {
    if (route.idleTimeoutMs() > 0) lastActivityNanos = System.nanoTime();
  }

  /**
   * XNIO's read timeout closes the channel, and the client reports only "closed": a failure that comes after at
   * least the idle limit of silence is that timeout.
   */
  private boolean idleExpired() {
    long idle = route.idleTimeoutMs();
    // XNIO arms its timer when reads resume, a little before we note the request as sent: allow for the gap.
    return idle > 0 && System.nanoTime() - lastActivityNanos >= TimeUnit.MILLISECONDS.toNanos(idle) * 8 / 10;
  }

  /**
   * The response body's declared length, -1 when it has none (or one that is not a number) and for HEAD, whose
   * {@code Content-Length} describes a body that is not sent.
   */
  private long bodyLength(ClientResponse response) {
    if (HttpMethods.isHead(exchange.method())) return -1;
    String value = response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (value == null) return -1;
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Closes a body channel read to its end. Not {@code IoUtils.safeClose}, which asks the logging backend whether to
   * trace every call (1% of the gateway's time on small requests).
   */
  private static void closeEnded(StreamSourceChannel source) {
    try {
      source.close();
    } catch (IOException e) {
      // the body was read whole: nothing is lost
    }
  }
}
