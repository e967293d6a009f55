package io.dragoman.gateway.proxy;

import io.dragoman.gateway.routing.RouteTable;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;
import org.xnio.Option;
import org.xnio.OptionMap;
import org.xnio.Options;

/**
 * The public listener: Undertow with explicit limits (every one from {@link ProxySettings}, applied by
 * {@link ListenerOptions}), the gateway handler, and the upstream pools.
 */
public final class ProxyServer implements AutoCloseable {
  private final ProxySettings settings;
  private final Undertow undertow;
  private final GracefulShutdownHandler shutdown;
  private final ConnectionPools pools;
  private final ByteBufferPool buffers;

  public ProxyServer(
      ProxySettings settings, Supplier<RouteTable> table, UpstreamResolver resolver, ProxyListener listener) {
    this.settings = settings;
    this.buffers = new DefaultByteBufferPool(true, 16 * 1024, -1, 4);
    this.pools =
        new ConnectionPools(
            buffers,
            UpstreamTls.create(settings.upstreamCaBundle()),
            resolver,
            settings.upstreamIdleTimeoutMs(),
            settings.maxIdlePerUpstream());
    ProxyContext context = new ProxyContext(pools, listener, settings.trustedProxies());
    GatewayHandler handler =
        new GatewayHandler(table, context, settings.maxRequestBodyBytes(), new AccessLog(settings.accessLog()));
    this.shutdown = new GracefulShutdownHandler(handler);
    int ioThreads = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
    Undertow.Builder builder =
        Undertow.builder()
            .addHttpListener(settings.port(), settings.bindAddress())
            .setIoThreads(ioThreads)
            .setWorkerThreads(Math.max(2, ioThreads)) // only DNS misses run here: the data plane never blocks
            .setByteBufferPool(buffers)
            .setSocketOption(Options.TCP_NODELAY, true)
            .setSocketOption(Options.BACKLOG, 1024)
            .setHandler(shutdown);
    OptionMap options = ListenerOptions.of(settings);
    for (Option<?> option : options) setServerOption(builder, option, options);
    this.undertow = builder.build();
  }

  private static <T> void setServerOption(Undertow.Builder builder, Option<T> option, OptionMap options) {
    builder.setServerOption(option, options.get(option));
  }

  public void start() {
    undertow.start();
  }

  /** The bound port (useful when 0 was asked for). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  /** Stops accepting new requests and waits up to {@code grace} for those in flight. True if all finished. */
  public boolean drain(Duration grace) throws InterruptedException {
    shutdown.shutdown();
    return shutdown.awaitShutdown(grace.toMillis());
  }

  @Override
  public void close() {
    pools.close();
    undertow.stop();
    buffers.close();
  }

  ProxySettings settings() {
    return settings;
  }
}
