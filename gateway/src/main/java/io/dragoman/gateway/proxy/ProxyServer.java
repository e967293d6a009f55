package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.RouteTable;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The public listener ({@link PublicListener}: Undertow's HTTP/1.1 and HTTP/2 prior-knowledge connections, with
 * explicit limits, every one from {@link ProxySettings}, applied by {@link ListenerOptions}), the gateway handler, and
 * the upstream pools.
 */
public final class ProxyServer implements AutoCloseable {
  private final ProxySettings settings;
  private volatile PublicListener listener;
  private final GracefulShutdownHandler shutdown;
  private final ConnectionPools pools;
  private final ByteBufferPool buffers;
  private final ByteBufferPool largeBuffers;
  /**
   * No byte either way for this long closes a connection. Undertow's HTTP/1.1 listener reads {@code IDLE_TIMEOUT} but
   * never hands the value to the conduit it creates (2.4.4), so a client silent mid-request on a route without a
   * timeout was never cut: the gateway keeps the limit itself.
   */
  private final IdleSweep idle;

  public ProxyServer(
      ProxySettings settings, Supplier<RouteTable> table, UpstreamResolver resolver, ProxyListener listener) {
    this.settings = settings;
    this.idle = new IdleSweep(ListenerOptions.effectiveIdleTimeoutMs(settings));
    this.buffers = new BufferPool(true, 16 * 1024, 4, -1);
    // Only bodies that fill a small buffer in one read move to these; keep up to 64 for reuse besides each thread's 4.
    this.largeBuffers = new BufferPool(true, 64 * 1024, 4, 64);
    this.pools =
        new ConnectionPools(
            buffers,
            UpstreamTls.create(settings.upstreamCaBundle()),
            resolver,
            settings.upstreamIdleTimeoutMs(),
            settings.maxIdlePerUpstream());
    ProxyContext context = new ProxyContext(pools, largeBuffers, listener, settings.trustedProxies());
    GatewayHandler handler =
        new GatewayHandler(table, context, settings.maxRequestBodyBytes(), new AccessLog(settings.accessLog()));
    this.shutdown = new GracefulShutdownHandler(handler);
  }

  public void start() {
    try {
      long headTimeoutMs = settings.requestHeadTimeoutMs();
      listener = PublicListener.open(settings, buffers, shutdown, ListenerOptions.of(settings), connection -> {
        Runnable opened = idle.watch(connection); // lowest, so that every byte either way counts
        FramingConduit.install(connection, headTimeoutMs);
        return opened;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("public listener on " + settings.bindAddress() + ":" + settings.port(), e);
    }
  }

  /** Client connections open on the public listener (a close on a thread other than the connection's own shows late). */
  public int openConnections() {
    return idle.watched();
  }

  /** The bound port (useful when 0 was asked for). */
  public int port() {
    return listener.port();
  }

  /** Stops accepting new requests and waits up to {@code grace} for those in flight. True if all finished. */
  public boolean drain(Duration grace) throws InterruptedException {
    shutdown.shutdown();
    return shutdown.awaitShutdown(grace.toMillis());
  }

  @Override
  public void close() {
    pools.close();
    if (listener != null) listener.close();
    buffers.close();
    largeBuffers.close();
  }

  ProxySettings settings() {
    return settings;
  }

  IdleSweep idleSweep() {
    return idle;
  }
}
