package io.dragoman.gateway.proxy;

import io.undertow.Undertow;
import io.undertow.UndertowLogger;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The public listener's socket: XNIO's accept loop feeding the gateway's own HTTP/1.1 server ({@link
 * Http1ServerConnection}, which hands Undertow what it does not serve) or Undertow's HTTP/1.1 connection handling,
 * assembled here rather than by {@code Undertow.builder()} for two reasons.
 *
 * <ul>
 *   <li>The builder, given ENABLE_HTTP2, wraps the root handler in {@code Http2UpgradeHandler}, which answers
 *       {@code Upgrade: h2c} with 101 and serves the rest of the connection as HTTP/2 outside the gateway's
 *       control (an upstream dying mid-response left such a client hanging). Here the root handler is not wrapped:
 *       an h2c upgrade request is an ordinary HTTP/1.1 request, while ENABLE_HTTP2 in the connection options keeps
 *       HTTP/2 with prior knowledge (gRPC) working, since Undertow's HTTP/1.1 reader switches on the preface.
 *   <li>Every accepted connection passes through {@code onAccept} before any server reads from it, the one place a
 *       per-connection conduit can be installed.
 * </ul>
 */
final class PublicListener implements AutoCloseable {
  private final XnioWorker worker;
  private final AcceptingChannel<StreamConnection> server;

  private PublicListener(XnioWorker worker, AcceptingChannel<StreamConnection> server) {
    this.worker = worker;
    this.server = server;
  }

  /**
   * Binds and starts accepting.
   *
   * @param undertowOptions the connection options (see {@link ListenerOptions}); must enable HTTP/2 for prior
   *     knowledge to be accepted
   * @param onAccept runs on the connection's I/O thread before any server sees it
   * @param own the gateway's own HTTP/1.1 server, which hands Undertow what it does not serve; null: Undertow serves
   *     every connection
   */
  static PublicListener open(
      ProxySettings settings,
      ByteBufferPool buffers,
      HttpHandler root,
      OptionMap undertowOptions,
      Consumer<StreamConnection> onAccept,
      Http1ServerConnection.Server own)
      throws IOException {
    int ioThreads = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
    XnioWorker worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, ioThreads)
        // only DNS misses run on worker threads: the data plane never blocks
        .set(Options.WORKER_TASK_CORE_THREADS, Math.max(2, ioThreads))
        .set(Options.WORKER_TASK_MAX_THREADS, Math.max(2, ioThreads))
        .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
        .set(Options.CONNECTION_LOW_WATER, 1_000_000)
        .set(Options.TCP_NODELAY, true)
        .set(Options.CORK, true)
        .getMap());
    HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
    http.setRootHandler(root);
    ChannelListener<AcceptingChannel<StreamConnection>> accept = channel -> {
      try {
        StreamConnection connection = channel.accept();
        if (connection == null) return;
        onAccept.accept(connection);
        if (own == null) {
          http.handleEvent(connection);
        } else {
          Http1ServerConnection.serve(connection, own, http::handleEvent);
        }
      } catch (IOException e) {
        UndertowLogger.REQUEST_IO_LOGGER.ioException(e);
      }
    };
    OptionMap socket = OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, ioThreads)
        .set(Options.TCP_NODELAY, true)
        .set(Options.REUSE_ADDRESSES, true)
        .set(Options.BALANCING_TOKENS, 1)
        .set(Options.BALANCING_CONNECTIONS, 2)
        .set(Options.BACKLOG, 1024)
        .getMap();
    try {
      SelectedKeys.install(worker);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
      AcceptingChannel<StreamConnection> server = worker.createStreamConnectionServer(address, accept, socket);
      server.resumeAccepts();
      return new PublicListener(worker, server);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /** Stops accepting, then stops the I/O threads, which closes every connection still open. */
  @Override
  public void close() {
    IoUtils.safeClose(server);
    worker.shutdown();
    try {
      worker.awaitTermination();
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
