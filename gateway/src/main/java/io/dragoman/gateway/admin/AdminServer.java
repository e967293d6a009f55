package io.dragoman.gateway.admin;

import io.dragoman.gateway.routing.RouteTable;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: liveness, readiness, diagnostics and metrics, on a port of its own so that nothing a route
 * does can reach these answers. One I/O thread and a tiny worker pool: this port is for probes and people, not load.
 */
public final class AdminServer implements AutoCloseable {
  static final String ALIVE = "/ambassador/v0/check_alive";
  static final String READY = "/ambassador/v0/check_ready";
  static final String DIAG = "/ambassador/v0/diag";
  static final String METRICS = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String JSON = "application/json";
  private static final int WORKER_THREADS = 2;
  private static final int IDLE_TIMEOUT_MS = 60_000;

  private final String bindAddress;
  private final int requestedPort;
  private final Supplier<RouteTable> table;
  private final Supplier<DiagInfo> info;
  private final Health health;
  private final GatewayMetrics metrics;
  private Undertow undertow;

  public AdminServer(
      String bindAddress,
      int port,
      Supplier<RouteTable> table,
      Supplier<DiagInfo> info,
      Health health,
      GatewayMetrics metrics) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("admin port: " + port + " (expected: 0-65535, 0 for any free port)");
    }
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.requestedPort = port;
    this.table = Objects.requireNonNull(table, "table");
    this.info = Objects.requireNonNull(info, "info");
    this.health = Objects.requireNonNull(health, "health");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  public synchronized void start() {
    if (undertow != null) throw new IllegalStateException("admin server already started");
    Undertow server =
        Undertow.builder()
            .addHttpListener(requestedPort, bindAddress)
            .setIoThreads(1)
            .setWorkerThreads(WORKER_THREADS)
            // A probe or a browser that opens a connection and goes quiet must not hold a worker for long.
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, IDLE_TIMEOUT_MS)
            .setServerOption(UndertowOptions.IDLE_TIMEOUT, IDLE_TIMEOUT_MS)
            .setHandler(new Dispatch(this::handle))
            .build();
    server.start();
    undertow = server;
    log.info("admin listener on {}:{}", bindAddress, port());
  }

  /** The port actually bound; differs from the one given when that was 0. */
  public synchronized int port() {
    if (undertow == null) throw new IllegalStateException("admin server not started");
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    if (undertow == null) return;
    undertow.stop();
    undertow = null;
  }

  private void handle(HttpServerExchange ex) {
    String path = ex.getRequestPath();
    Endpoint endpoint = Endpoint.of(path);
    if (endpoint == null) {
      error(ex, 404, "no admin endpoint at " + path);
      return;
    }
    HttpString method = ex.getRequestMethod();
    if (!Methods.GET.equals(method) && !Methods.HEAD.equals(method)) {
      ex.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      error(ex, 405, "method " + method + " not allowed (expected: GET or HEAD)");
      return;
    }
    try {
      serve(ex, endpoint);
    } catch (RuntimeException e) {
      log.error("admin endpoint {} failed", path, e);
      if (!ex.isResponseStarted()) error(ex, 500, "internal error answering " + path);
    }
  }

  private void serve(HttpServerExchange ex, Endpoint endpoint) {
    switch (endpoint) {
      case ALIVE -> alive(ex);
      case READY -> ready(ex);
      case DIAG -> diag(ex);
      case METRICS -> send(ex, 200, GatewayMetrics.CONTENT_TYPE, metrics.scrape());
    }
  }

  private void alive(HttpServerExchange ex) {
    List<String> failing = health.failingChecks();
    if (failing.isEmpty()) {
      send(ex, 200, TEXT, "ok\n");
    } else {
      error(ex, 503, "liveness checks failing: " + String.join(", ", failing));
    }
  }

  private void ready(HttpServerExchange ex) {
    if (health.ready()) {
      send(ex, 200, TEXT, "ready\n");
    } else {
      error(ex, 503, health.draining() ? "draining" : "not ready: no complete configuration live yet");
    }
  }

  private void diag(HttpServerExchange ex) {
    // Read the table once: the page must show one consistent generation.
    RouteTable t = table.get();
    DiagInfo i = info.get();
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    if (wantsJson(ex)) {
      send(ex, 200, JSON, DiagnosticsJson.render(t, i));
    } else {
      send(ex, 200, HTML, DiagnosticsHtml.render(t, i));
    }
  }

  private static boolean wantsJson(HttpServerExchange ex) {
    Deque<String> json = ex.getQueryParameters().get("json");
    return json != null && "true".equalsIgnoreCase(json.peekFirst());
  }

  private static void error(HttpServerExchange ex, int status, String message) {
    send(ex, status, JSON, ErrorJson.of(message));
  }

  private static void send(HttpServerExchange ex, int status, String contentType, String body) {
    ex.setStatusCode(status);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    ex.getResponseSender().send(body);
  }

  private enum Endpoint {
    ALIVE,
    READY,
    DIAG,
    METRICS;

    static Endpoint of(String path) {
      return switch (path) {
        case AdminServer.ALIVE -> ALIVE;
        case AdminServer.READY -> READY;
        case AdminServer.DIAG, AdminServer.DIAG + "/" -> DIAG;
        case AdminServer.METRICS -> METRICS;
        default -> null;
      };
    }
  }

  /** Moves every request off the single I/O thread: rendering and liveness checks may take a while. */
  private record Dispatch(HttpHandler next) implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
      if (ex.isInIoThread()) {
        ex.dispatch(this);
        return;
      }
      next.handleRequest(ex);
    }
  }
}
