package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.ServiceRef;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.ssl.XnioSsl;

/**
 * Keep-alive connections to upstreams, one pool per I/O thread and upstream. A request and its upstream connection
 * live on the same I/O thread, so a pool is only ever touched by its own thread and needs no lock.
 */
final class ConnectionPools implements AutoCloseable {
  /** Told once whether a connection could be had. Called on the requesting I/O thread. */
  interface Callback {
    void connected(ClientConnection connection, boolean reused);

    void failed(String message);
  }

  private record Idle(ClientConnection connection, long since) {}

  private final UndertowClient client = UndertowClient.getInstance();
  private final ByteBufferPool buffers;
  private final XnioSsl ssl;
  private final UpstreamResolver resolver;
  private final long idleNanos;
  private final int maxIdlePerUpstream;
  private final OptionMap options = OptionMap.create(Options.TCP_NODELAY, true);
  // Keyed by the ServiceRef itself: its strings are shared with the route table, so hashing them is cached.
  private final Map<XnioIoThread, Map<ServiceRef, ArrayDeque<Idle>>> idle = new ConcurrentHashMap<>();

  ConnectionPools(
      ByteBufferPool buffers,
      XnioSsl ssl,
      UpstreamResolver resolver,
      long idleTimeoutMs,
      int maxIdlePerUpstream) {
    this.buffers = buffers;
    this.ssl = ssl;
    this.resolver = resolver;
    this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
    this.maxIdlePerUpstream = maxIdlePerUpstream;
  }

  /** How an upstream is named in logs: {@code http://host:port}. */
  static String key(ServiceRef service) {
    return (service.tls() ? "https://" : "http://") + service.authority();
  }

  /** Hands out an idle connection to the upstream, or opens one. Must be called on {@code thread}. */
  void acquire(
      ServiceRef service, XnioIoThread thread, Executor blocking, long connectTimeoutMs, Callback callback) {
    ArrayDeque<Idle> queue = threadPools(thread).get(service);
    long now = System.nanoTime();
    while (queue != null && !queue.isEmpty()) {
      Idle candidate = queue.pollLast(); // most recently used: the likeliest still open
      if (candidate.connection.isOpen() && now - candidate.since < idleNanos) {
        callback.connected(candidate.connection, true);
        return;
      }
      IoUtils.safeClose(candidate.connection);
    }
    InetSocketAddress address = resolver.cached(service.host(), service.port());
    if (address != null) {
      open(service, address, thread, connectTimeoutMs, callback);
      return;
    }
    blocking.execute(() -> {
      try {
        InetSocketAddress resolved = resolver.resolve(service.host(), service.port());
        thread.execute(() -> open(service, resolved, thread, connectTimeoutMs, callback));
      } catch (UnknownHostException | RuntimeException e) {
        thread.execute(() -> callback.failed("cannot resolve " + service.host()));
      }
    });
  }

  /** Returns a connection whose exchange completed cleanly; called on its I/O thread. */
  void release(ServiceRef service, ClientConnection connection) {
    if (!connection.isOpen() || connection.isUpgraded()) {
      IoUtils.safeClose(connection);
      return;
    }
    ArrayDeque<Idle> queue =
        threadPools(connection.getIoThread()).computeIfAbsent(service, k -> new ArrayDeque<>());
    if (queue.size() >= maxIdlePerUpstream) {
      IoUtils.safeClose(connection);
      return;
    }
    queue.addLast(new Idle(connection, System.nanoTime()));
  }

  private void open(
      ServiceRef service, InetSocketAddress address, XnioIoThread thread, long connectTimeoutMs, Callback callback) {
    URI uri;
    try {
      uri = new URI(
          service.tls() ? "https" : "http", null, address.getAddress().getHostAddress(), address.getPort(), null, null,
          null);
    } catch (java.net.URISyntaxException e) {
      callback.failed("bad upstream address " + service.authority());
      return;
    }
    // The connect timeout and the connect callback race; whichever comes first decides, the other is ignored.
    boolean[] decided = new boolean[1];
    XnioExecutor.Key timer =
        connectTimeoutMs > 0
            ? thread.executeAfter(() -> {
                if (!decided[0]) {
                  decided[0] = true;
                  callback.failed("connect timeout after " + connectTimeoutMs + " ms to " + service.authority());
                }
              }, connectTimeoutMs, TimeUnit.MILLISECONDS)
            : null;
    client.connect(
        new ClientCallback<>() {
          @Override
          public void completed(ClientConnection connection) {
            if (decided[0]) {
              IoUtils.safeClose(connection);
              return;
            }
            decided[0] = true;
            if (timer != null) timer.remove();
            callback.connected(connection, false);
          }

          @Override
          public void failed(IOException e) {
            if (decided[0]) return;
            decided[0] = true;
            if (timer != null) timer.remove();
            callback.failed("connect to " + service.authority() + " failed: " + e.getMessage());
          }
        },
        uri,
        thread,
        service.tls() ? ssl : null,
        buffers,
        options);
  }

  private Map<ServiceRef, ArrayDeque<Idle>> threadPools(XnioIoThread thread) {
    return idle.computeIfAbsent(thread, t -> new HashMap<>());
  }

  @Override
  public void close() {
    for (Map.Entry<XnioIoThread, Map<ServiceRef, ArrayDeque<Idle>>> e : idle.entrySet()) {
      Map<ServiceRef, ArrayDeque<Idle>> pools = e.getValue();
      // Each pool belongs to its thread: close its connections there.
      e.getKey().execute(() -> {
        for (ArrayDeque<Idle> q : pools.values()) {
          for (Idle i : q) IoUtils.safeClose(i.connection);
          q.clear();
        }
      });
    }
  }
}
