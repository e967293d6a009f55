package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.routing.Route;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Transfer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * One request relayed to one upstream. Everything runs on the exchange's I/O thread, so the fields need no
 * synchronisation. Bodies stream in both directions through small pooled buffers; nothing buffers a whole body.
 *
 * <p>States: acquiring a connection, sending (request head, then body), relaying the response. {@code answered}
 * turns true once the client is committed to an answer (the gateway's own error, or the upstream's response):
 * whatever loses a race after that (a late response after a timeout, a timer after the response) only cleans up.
 */
final class ProxyExchange {
  private final HttpServerExchange exchange;
  private final Route route;
  private final String forwardPath;
  private final ProxyContext context;

  private ClientConnection connection;
  private boolean answered;
  private boolean bodyStarted;
  private boolean requestSent;
  private boolean responseRead;
  private boolean retriedStale;
  private XnioExecutor.Key timer;
  private long lastActivityNanos;

  ProxyExchange(HttpServerExchange exchange, Route route, String forwardPath, ProxyContext context) {
    this.exchange = exchange;
    this.route = route;
    this.forwardPath = forwardPath;
    this.context = context;
  }

  void start() {
    long timeout = route.timeoutMs();
    if (timeout > 0) {
      timer = exchange.getIoThread().executeAfter(this::timedOut, timeout, TimeUnit.MILLISECONDS);
    }
    exchange.addExchangeCompleteListener((ex, next) -> {
      finish();
      next.proceed();
    });
    acquire();
  }

  private void acquire() {
    context.pools().acquire(
        route.mapping().service(),
        exchange.getIoThread(),
        exchange.getConnection().getWorker(),
        route.connectTimeoutMs(),
        new ConnectionPools.Callback() {
          @Override
          public void connected(ClientConnection c, boolean reused) {
            if (answered) {
              context.pools().release(route.mapping().service(), c); // unused: good as new
              return;
            }
            connection = c;
            lastActivityNanos = System.nanoTime();
            idleLimit(c);
            send(reused);
          }

          @Override
          public void failed(String message) {
            fail(Failure.UPSTREAM_CONNECT, "upstream connect error: " + message);
          }
        });
  }

  private void send(boolean reused) {
    ClientRequest request = new ClientRequest().setMethod(exchange.getRequestMethod()).setPath(forwardPath);
    writeRequestHeaders(request.getRequestHeaders());
    connection.sendRequest(request, new ClientCallback<>() {
      @Override
      public void completed(ClientExchange upstream) {
        upstream.setResponseListener(new ClientCallback<>() {
          @Override
          public void completed(ClientExchange result) {
            respond(result);
          }

          @Override
          public void failed(IOException e) {
            upstreamBroke(e, reused);
          }
        });
        sendBody(upstream);
      }

      @Override
      public void failed(IOException e) {
        upstreamBroke(e, reused);
      }
    });
  }

  /** {@code idle_timeout_ms}: the upstream may stay silent at most this long while we wait on it. */
  private void idleLimit(ClientConnection c) {
    try {
      c.setOption(Options.READ_TIMEOUT, (int) Math.min(Integer.MAX_VALUE, route.idleTimeoutMs()));
    } catch (IOException | IllegalArgumentException e) {
      // not every connection type supports it; the whole-exchange timeout still bounds the wait
    }
  }

  private void sendBody(ClientExchange upstream) {
    StreamSinkChannel sink = upstream.getRequestChannel();
    ChannelListener<StreamSinkChannel> done = ch -> flushThen(ch, () -> {
      requestSent = true;
      lastActivityNanos = System.nanoTime();
    });
    if (exchange.isRequestComplete()) {
      done.handleEvent(sink);
      return;
    }
    bodyStarted = true;
    Transfer.initiateTransfer(
        exchange.getRequestChannel(),
        sink,
        ChannelListeners.closingChannelListener(),
        done,
        (ChannelExceptionHandler<StreamSourceChannel>) (ch, e) -> clientBodyBroke(e),
        (ChannelExceptionHandler<StreamSinkChannel>) (ch, e) -> upstreamBroke(e, false),
        exchange.getConnection().getByteBufferPool());
  }

  private void respond(ClientExchange upstream) {
    if (answered) {
      IoUtils.safeClose(connection); // we already answered (timeout): this connection is mid-response
      return;
    }
    answered = true;
    ClientResponse response = upstream.getResponse();
    exchange.setStatusCode(response.getResponseCode());
    HeaderMap out = exchange.getResponseHeaders();
    HeaderRules.copyEndToEnd(response.getResponseHeaders(), out, false);
    for (String name : route.mapping().forward().removeResponseHeaders()) out.remove(name);
    addHeaders(out, route.addResponseHeaders());
    Transfer.initiateTransfer(
        upstream.getResponseChannel(),
        exchange.getResponseChannel(),
        ch -> {
          responseRead = true;
          IoUtils.safeClose(ch);
        },
        ch -> {
          responseRead = true;
          flushThen(ch, () -> {});
        },
        (ChannelExceptionHandler<StreamSourceChannel>) (ch, e) -> abortBoth(),
        (ChannelExceptionHandler<StreamSinkChannel>) (ch, e) -> abortBoth(),
        exchange.getConnection().getByteBufferPool());
  }

  private void writeRequestHeaders(HeaderMap out) {
    HeaderMap in = exchange.getRequestHeaders();
    boolean trusted = context.trustedProxies().contains(exchange.getSourceAddress());
    HeaderRules.copyEndToEnd(in, out, !trusted);
    for (String name : route.mapping().forward().removeRequestHeaders()) out.remove(name);
    addHeaders(out, route.addRequestHeaders());

    String clientHost = in.getFirst(Headers.HOST);
    String host = route.upstreamHost(clientHost == null ? route.mapping().service().authority() : clientHost);
    out.put(Headers.HOST, host);
    InetSocketAddress peer = exchange.getSourceAddress();
    String clientIp = peer == null || peer.getAddress() == null ? "unknown" : peer.getAddress().getHostAddress();
    String prior = trusted ? in.getFirst(Headers.X_FORWARDED_FOR) : null;
    out.put(Headers.X_FORWARDED_FOR, prior == null || prior.isEmpty() ? clientIp : prior + ", " + clientIp);
    if (!trusted || !out.contains(Headers.X_FORWARDED_PROTO)) {
      out.put(Headers.X_FORWARDED_PROTO, exchange.getRequestScheme());
    }
    if (clientHost != null && (!trusted || !out.contains(Headers.X_FORWARDED_HOST))) {
      out.put(Headers.X_FORWARDED_HOST, clientHost);
    }
    if (!trusted || !out.contains(Headers.X_FORWARDED_PORT)) {
      out.put(Headers.X_FORWARDED_PORT, exchange.getDestinationAddress().getPort());
    }
    out.put(HeaderRules.X_REQUEST_ID, exchange.getAttachment(ProxyAttachments.REQUEST_ID));
    if (!exchange.isRequestComplete() && !out.contains(Headers.CONTENT_LENGTH)) {
      out.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
    }
  }

  private static void addHeaders(HeaderMap out, java.util.List<HeaderValue> headers) {
    for (HeaderValue h : headers) {
      HttpString name = new HttpString(h.name());
      if (h.append()) {
        out.add(name, h.value());
      } else {
        out.put(name, h.value());
      }
    }
  }

  /** The upstream connection failed before or while we sent the request or awaited the head. */
  private void upstreamBroke(IOException e, boolean reused) {
    if (answered) {
      abortBoth();
      return;
    }
    IoUtils.safeClose(connection);
    connection = null;
    if (reused && !bodyStarted && !retriedStale) {
      // A pooled keep-alive connection the upstream had already closed: nothing reached it, so try a fresh one.
      retriedStale = true;
      acquire();
      return;
    }
    if (isReadTimeout(e) || idleExpired()) {
      fail(Failure.UPSTREAM_TIMEOUT, "upstream idle for more than " + route.idleTimeoutMs() + " ms");
      return;
    }
    fail(Failure.UPSTREAM_RESET, "upstream reset: " + describe(e));
  }

  private void clientBodyBroke(IOException e) {
    if (e instanceof RequestTooBigException) {
      fail(Failure.BODY_TOO_LARGE, "request body larger than " + exchange.getMaxEntitySize() + " bytes");
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
    if (connection != null) {
      IoUtils.safeClose(connection); // mid-exchange: never reusable
      connection = null;
    }
    context.listener().upstreamFailure(route.mapping().name(), route.mapping().namespace(), failure.reason());
    ErrorResponses.send(exchange, failure, message);
  }

  private void abortBoth() {
    answered = true;
    IoUtils.safeClose(connection);
    connection = null;
    IoUtils.safeClose(exchange.getConnection());
  }

  /** The client's exchange is over: give the connection back only if it finished a whole, clean exchange. */
  private void finish() {
    if (timer != null) {
      timer.remove();
      timer = null;
    }
    ClientConnection c = connection;
    connection = null;
    if (c == null) return;
    if (requestSent && responseRead) {
      context.pools().release(route.mapping().service(), c);
    } else {
      IoUtils.safeClose(c);
    }
  }

  private static void flushThen(StreamSinkChannel channel, Runnable then) {
    try {
      channel.shutdownWrites();
      if (channel.flush()) {
        channel.getWriteSetter().set(null);
        then.run();
        return;
      }
      channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(ch -> {
        ch.suspendWrites();
        ch.getWriteSetter().set(null);
        then.run();
      }, ChannelListeners.closingChannelExceptionHandler()));
      channel.resumeWrites();
    } catch (IOException e) {
      IoUtils.safeClose(channel);
    }
  }

  /**
   * XNIO's read timeout closes the channel, and the client reports only "closed": a failure that comes after at
   * least the idle limit of silence is that timeout.
   */
  private boolean idleExpired() {
    long idle = route.idleTimeoutMs();
    return idle > 0 && System.nanoTime() - lastActivityNanos >= TimeUnit.MILLISECONDS.toNanos(idle);
  }

  private static boolean isReadTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ReadTimeoutException) return true;
    }
    return false;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
