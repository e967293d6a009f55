package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.RouteTable;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.xnio.OptionMap;

/**
 * The public listener ({@link PublicListener}: the gateway's own HTTP/1.1 server, {@link Http1ServerConnection},
 * which hands Undertow what it does not serve, or Undertow alone; HTTP/2 prior-knowledge connections, with
 * explicit limits, every one from {@link ProxySettings}, applied by {@link ListenerOptions}), the gateway handler, and
 * the upstream pools.
 */
public final class ProxyServer implements AutoCloseable {
  private final ProxySettings settings;
  private volatile PublicListener listener;
  private final GatewayHandler handler;
  private final ConnectionPools pools;
  private final ByteBufferPool buffers;
  private final ByteBufferPool largeBuffers;
  /**
   * Where the own HTTP/1.1 server reads request heads: on the heap, since the head is parsed from its array. A
   * connection holds one only while bytes of a request are in it; up to 256 are kept for reuse besides each
   * thread's 4, so a burst of connections does not pin its peak.
   */
  private final ByteBufferPool headBuffers;
  /**
   * No byte either way for this long closes a connection. Undertow's HTTP/1.1 listener reads {@code IDLE_TIMEOUT} but
   * never hands the value to the conduit it creates (2.4.4), so a client silent mid-request on a route without a
   * timeout was never cut: the gateway keeps the limit itself.
   */
  private final IdleSweep idle;
  /** The buffers' size: a head the own server reads must fit in one. */
  private static final int HEAD_BUFFER_BYTES = 16 * 1024;
  /** Small buffers each I/O thread keeps for itself (at most 512 KiB direct and 512 KiB heap per thread). */
  private static final int PER_THREAD = 32;

  public ProxyServer(
      ProxySettings settings, Supplier<RouteTable> table, UpstreamResolver resolver, ProxyListener listener) {
    this.settings = settings;
    this.idle = new IdleSweep(ListenerOptions.effectiveIdleTimeoutMs(settings));
    // Each I/O thread keeps enough buffers for its share of a busy listener's exchanges in flight (each holds one or
    // two): with 4 per thread, at 32 exchanges per thread every other buffer went through the shared queue, which
    // costs a node and a CAS each way and hands back the coldest buffer in it (FIFO); the thread's own stack hands
    // back the one it freed last, still in cache. 32 per thread: 0.5-1 µs less CPU per small request (bench/README.md).
    this.buffers = new BufferPool(true, HEAD_BUFFER_BYTES, PER_THREAD, -1);
    // Only bodies whose bytes at hand fill a small buffer move to these; keep up to 64 for reuse besides each
    // thread's 4 (16 per thread made no difference to 64 KiB uploads).
    this.largeBuffers = new BufferPool(true, 64 * 1024, 4, 64);
    this.headBuffers = new BufferPool(false, HEAD_BUFFER_BYTES, PER_THREAD, 256);
    this.pools =
        new ConnectionPools(
            buffers,
            UpstreamTls.create(settings.upstreamCaBundle()),
            resolver,
            settings.upstreamIdleTimeoutMs(),
            settings.maxIdlePerUpstream());
    ProxyContext context = new ProxyContext(pools, largeBuffers, listener, settings.trustedProxies());
    this.handler =
        new GatewayHandler(table, context, settings.maxRequestBodyBytes(), new AccessLog(settings.accessLog()));
  }

  public void start() {
    try {
      long headTimeoutMs = settings.requestHeadTimeoutMs();
      OptionMap options = ListenerOptions.of(settings);
      Http1ServerConnection.Server own = settings.http1Server() == ProxySettings.Http1Server.OWN
          ? new Http1ServerConnection.Server(handler::handle, buffers, headBuffers, options,
              settings.maxRequestBodyBytes(),
              ListenerOptions.ownHeadLimits(settings, HEAD_BUFFER_BYTES), settings.idleConnectionTimeoutMs())
          : null;
      listener = PublicListener.open(settings, buffers, handler, options, connection -> {
        idle.watch(connection); // lowest, so that every byte either way counts
        FramingConduit.install(connection, headTimeoutMs);
      }, own);
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
    handler.shutdown();
    return handler.awaitShutdown(grace.toMillis());
  }

  @Override
  public void close() {
    pools.close();
    if (listener != null) listener.close();
    buffers.close();
    largeBuffers.close();
    headBuffers.close();
  }

  ProxySettings settings() {
    return settings;
  }

  IdleSweep idleSweep() {
    return idle;
  }
}
