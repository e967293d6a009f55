package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.policy.CircuitBreakerState;
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
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.ssl.XnioSsl;

/**
 * Keep-alive connections to upstreams, one pool per I/O thread and upstream. A request and its upstream connection
 * live on the same I/O thread, so a pool is only ever touched by its own thread and needs no lock.
 *
 * <p>gRPC upstreams ({@code grpc: true}) speak HTTP/2 with prior knowledge ({@code h2c}); their connections sit in
 * a pool of their own, so a Mapping that says {@code grpc} and one that does not never share a connection to the
 * same service. TLS upstreams are verified against their host name (not the IP the pool connects to).
 */
final class ConnectionPools implements AutoCloseable {
  /** Told once whether a connection could be had. Called on the requesting I/O thread. */
  interface Callback {
    void connected(ClientConnection connection, boolean reused);

    /** @param failure {@link Failure#UPSTREAM_CONNECT}, or {@link Failure#UPSTREAM_OVERFLOW} over a breaker limit */
    void failed(Failure failure, String message);
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
  private final Map<XnioIoThread, Map<ServiceRef, ArrayDeque<Idle>>> idleH2c = new ConcurrentHashMap<>();

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

  /**
   * Hands out an idle connection to the upstream, or opens one. Must be called on {@code thread}.
   *
   * @param h2c HTTP/2 with prior knowledge (gRPC) instead of HTTP/1.1
   * @param breaker the upstream's circuit breaker, null when its Mapping sets none: a new connection takes a
   *     {@code max_connections} slot (given back when it closes) and counts as pending until connected
   */
  void acquire(
      ServiceRef service,
      boolean h2c,
      CircuitBreakerState breaker,
      XnioIoThread thread,
      Executor blocking,
      long connectTimeoutMs,
      Callback callback) {
    ArrayDeque<Idle> queue = threadPools(thread, h2c).get(service);
    long now = System.nanoTime();
    while (queue != null && !queue.isEmpty()) {
      Idle candidate = queue.pollLast(); // most recently used: the likeliest still open
      if (candidate.connection.isOpen() && now - candidate.since < idleNanos) {
        callback.connected(candidate.connection, true);
        return;
      }
      IoUtils.safeClose(candidate.connection);
    }
    Callback counted = callback;
    if (breaker != null) {
      counted = countedBy(breaker, callback);
      if (counted == null) return;
    }
    Callback target = counted;
    InetSocketAddress address = resolver.cached(service.host(), service.port());
    if (address != null) {
      open(service, h2c, address, thread, connectTimeoutMs, target);
      return;
    }
    blocking.execute(() -> {
      try {
        InetSocketAddress resolved = resolver.resolve(service.host(), service.port());
        thread.execute(() -> open(service, h2c, resolved, thread, connectTimeoutMs, target));
      } catch (UnknownHostException | RuntimeException e) {
        thread.execute(() -> target.failed(Failure.UPSTREAM_CONNECT, "cannot resolve " + service.host()));
      }
    });
  }

  /**
   * Takes a connection slot and a pending slot for a new connection, or answers overflow (and returns null). The
   * pending slot ends once the connection is decided; the connection slot when the connection closes.
   */
  private static Callback countedBy(CircuitBreakerState breaker, Callback callback) {
    if (!breaker.tryOpenConnection()) {
      callback.failed(Failure.UPSTREAM_OVERFLOW,
          "circuit breaker: max_connections " + breaker.limits().maxConnections() + " reached");
      return null;
    }
    if (!breaker.tryStartPending()) {
      breaker.connectionClosed();
      callback.failed(Failure.UPSTREAM_OVERFLOW,
          "circuit breaker: max_pending_requests " + breaker.limits().maxPendingRequests() + " reached");
      return null;
    }
    return new Callback() {
      @Override
      public void connected(ClientConnection connection, boolean reused) {
        breaker.endPending();
        connection.addCloseListener(c -> breaker.connectionClosed());
        callback.connected(connection, reused);
      }

      @Override
      public void failed(Failure failure, String message) {
        breaker.endPending();
        breaker.connectionClosed();
        callback.failed(failure, message);
      }
    };
  }

  /** Returns a connection whose exchange completed cleanly; called on its I/O thread. */
  void release(ServiceRef service, ClientConnection connection) {
    if (!connection.isOpen() || connection.isUpgraded() || (connection instanceof Http1Connection h && !h.idle())) {
      IoUtils.safeClose(connection);
      return;
    }
    boolean h2c = connection.isMultiplexingSupported(); // only HTTP/2 multiplexes
    ArrayDeque<Idle> queue =
        threadPools(connection.getIoThread(), h2c).computeIfAbsent(service, k -> new ArrayDeque<>());
    if (queue.size() >= maxIdlePerUpstream) {
      IoUtils.safeClose(connection);
      return;
    }
    queue.addLast(new Idle(connection, System.nanoTime()));
  }

  private void open(
      ServiceRef service,
      boolean h2c,
      InetSocketAddress address,
      XnioIoThread thread,
      long connectTimeoutMs,
      Callback callback) {
    // The connect timeout and the connect callback race; whichever comes first decides, the other is ignored.
    boolean[] decided = new boolean[1];
    XnioExecutor.Key timer =
        connectTimeoutMs > 0
            ? thread.executeAfter(() -> {
                if (!decided[0]) {
                  decided[0] = true;
                  callback.failed(Failure.UPSTREAM_CONNECT,
                      "connect timeout after " + connectTimeoutMs + " ms to " + service.authority());
                }
              }, connectTimeoutMs, TimeUnit.MILLISECONDS)
            : null;
    ClientCallback<ClientConnection> connected = new ClientCallback<>() {
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
        callback.failed(Failure.UPSTREAM_CONNECT, "connect to " + service.authority() + " failed: " + e.getMessage());
      }
    };
    if (!service.tls() && !h2c) {
      openHttp1(address, thread, connected);
      return;
    }
    URI uri;
    try {
      uri = new URI(scheme(service, h2c), null, address.getAddress().getHostAddress(), address.getPort(), null, null,
          null);
    } catch (java.net.URISyntaxException e) {
      connected.failed(new IOException("bad upstream address " + service.authority()));
      return;
    }
    client.connect(
        connected,
        uri,
        thread,
        service.tls() ? ssl : null,
        buffers,
        // The pool connects to an IP: TLS must still verify, and send SNI for, the service's host name.
        service.tls() ? UpstreamTls.options(options, service.host(), h2c) : options);
  }

  /** Clear-text HTTP/1.1: the gateway's own client ({@link Http1Connection}), on the requesting I/O thread. */
  private void openHttp1(InetSocketAddress address, XnioIoThread thread, ClientCallback<ClientConnection> connected) {
    IoFuture<StreamConnection> future = thread.openStreamConnection(address, null, null, options);
    future.addNotifier((f, attachment) -> {
      switch (f.getStatus()) {
        case DONE -> {
          StreamConnection c;
          try {
            c = f.get();
          } catch (IOException e) {
            connected.failed(e);
            return;
          }
          connected.completed(new Http1Connection(c, buffers));
        }
        case FAILED -> connected.failed(f.getException());
        default -> connected.failed(new IOException("connect cancelled"));
      }
    }, null);
  }

  /** gRPC over TLS negotiates HTTP/2 by ALPN ({@link UpstreamTls#options}); in clear text it assumes it. */
  private static String scheme(ServiceRef service, boolean h2c) {
    if (service.tls()) return "https";
    return h2c ? "h2c-prior" : "http";
  }

  private Map<ServiceRef, ArrayDeque<Idle>> threadPools(XnioIoThread thread, boolean h2c) {
    return (h2c ? idleH2c : idle).computeIfAbsent(thread, t -> new HashMap<>());
  }

  @Override
  public void close() {
    closeAll(idle);
    closeAll(idleH2c);
  }

  private static void closeAll(Map<XnioIoThread, Map<ServiceRef, ArrayDeque<Idle>>> idle) {
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
