package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.Route;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSourceChannel;

/**
 * Traffic shadowing: {@code shadow: true} Mappings get a copy of each request and their answers are thrown away.
 * Nothing here can touch the real exchange: a copy runs on its own connection from the shadow upstream's pool, on
 * the same I/O thread without ever blocking it, under its own timeout, and every outcome ends in silence.
 *
 * <p>Bounds, so a slow or dead shadow costs little: at most {@code maxInFlight} copies per shadow upstream (beyond
 * that copies are dropped and counted, never queued); only bodies that were buffered (known length up to
 * {@code maxBodyBytes}) are copied, larger or streamed ones are dropped and counted, because teeing a stream would tie
 * the real request's pace to the shadow's.
 */
final class Shadows {
  static final int DEFAULT_MAX_IN_FLIGHT = 64;
  static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  /** A shadow Mapping with {@code timeout_ms: 0} still may not hold its slot forever. */
  static final long MAX_SHADOW_TIMEOUT_MS = 30_000;

  private final int maxInFlight;
  private final int maxBodyBytes;
  private final ConcurrentHashMap<ServiceRef, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  Shadows(int maxInFlight, int maxBodyBytes) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("shadow max in flight: " + maxInFlight + " (expected: >= 1)");
    }
    this.maxInFlight = maxInFlight;
    this.maxBodyBytes = maxBodyBytes;
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Counts every shadow of a request that cannot be copied (its body was not buffered). */
  void dropAll(List<Route> shadows, ProxyContext context) {
    for (Route s : shadows) context.listener().shadowDropped(s.mapping().name(), s.mapping().namespace());
  }

  /**
   * Sends a copy to each shadow. Called on the exchange's I/O thread before the real request goes out.
   *
   * @param path the normalised request path (each shadow applies its own rewrite)
   * @param body the whole request body; empty when there is none
   */
  void send(DownstreamExchange exchange, List<Route> shadows, String path, ByteBuffer body, ProxyContext context) {
    String query = exchange.queryString();
    for (Route shadow : shadows) {
      AtomicInteger count = inFlight.computeIfAbsent(shadow.mapping().service(), k -> new AtomicInteger());
      if (count.incrementAndGet() > maxInFlight) {
        count.decrementAndGet();
        context.listener().shadowDropped(shadow.mapping().name(), shadow.mapping().namespace());
        continue;
      }
      ClientRequest request =
          new ClientRequest()
              .setMethod(exchange.method())
              .setPath(shadow.forwardPath(path, query == null ? "" : query));
      UpstreamHeaders.write(exchange, shadow, context, request.getRequestHeaders(), null);
      String host = request.getRequestHeaders().getFirst(Headers.HOST);
      request.getRequestHeaders().put(Headers.HOST, UpstreamHeaders.shadowHost(host));
      new Copy(shadow, request, body.duplicate(), count, exchange, context).start();
    }
  }

  /** One copy in flight: every end, clean or not, runs {@link #end} exactly once. */
  private static final class Copy {
    private final Route route;
    private final ClientRequest request;
    private final ByteBuffer body;
    private final AtomicInteger slot;
    private final DownstreamExchange exchange;
    private final ProxyContext context;
    private ClientConnection connection;
    private XnioExecutor.Key timer;
    private boolean ended;

    Copy(Route route, ClientRequest request, ByteBuffer body, AtomicInteger slot, DownstreamExchange exchange,
        ProxyContext context) {
      this.route = route;
      this.request = request;
      this.body = body;
      this.slot = slot;
      this.exchange = exchange;
      this.context = context;
    }

    void start() {
      long timeout = route.timeoutMs() > 0 ? Math.min(route.timeoutMs(), MAX_SHADOW_TIMEOUT_MS) : MAX_SHADOW_TIMEOUT_MS;
      timer = exchange.ioThread().executeAfter(() -> {
        timer = null;
        end(false);
      }, timeout, TimeUnit.MILLISECONDS);
      context.pools().acquire(
          route.mapping().service(),
          route.mapping().forward().grpc(),
          null, // a shadow's connections never count against the real upstream's breaker
          exchange.ioThread(),
          exchange.worker(),
          route.connectTimeoutMs(),
          new ConnectionPools.Callback() {
            @Override
            public void connected(ClientConnection c, boolean reused) {
              if (ended) {
                context.pools().release(route.mapping().service(), c);
                return;
              }
              connection = c;
              send();
            }

            @Override
            public void failed(Failure failure, String message) {
              end(false);
            }
          });
    }

    private void send() {
      connection.sendRequest(request, new ClientCallback<>() {
        @Override
        public void completed(ClientExchange upstream) {
          upstream.setResponseListener(new ClientCallback<>() {
            @Override
            public void completed(ClientExchange result) {
              drain(result.getResponseChannel());
            }

            @Override
            public void failed(IOException e) {
              end(false);
            }
          });
          BodyWriter.write(upstream.getRequestChannel(), body, () -> {}, e -> end(false));
        }

        @Override
        public void failed(IOException e) {
          end(false);
        }
      });
    }

    /** Reads the shadow's answer to its end and forgets it; a fully read answer leaves the connection reusable. */
    private void drain(StreamSourceChannel channel) {
      if (ended) return;
      try {
        long n;
        do {
          n = Channels.drain(channel, Long.MAX_VALUE);
        } while (n > 0);
        if (n < 0) {
          end(true);
          return;
        }
        channel.getReadSetter().set(this::drain);
        channel.resumeReads();
      } catch (IOException e) {
        end(false);
      }
    }

    private void end(boolean clean) {
      if (ended) return;
      ended = true;
      slot.decrementAndGet();
      if (timer != null) {
        timer.remove();
        timer = null;
      }
      ClientConnection c = connection;
      connection = null;
      if (c == null) return;
      if (clean) {
        context.pools().release(route.mapping().service(), c);
      } else {
        IoUtils.safeClose(c);
      }
    }
  }
}
