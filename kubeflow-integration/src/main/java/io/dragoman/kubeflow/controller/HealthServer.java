package io.dragoman.kubeflow.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (a standby replica, or a leader whose informers have
 * listed everything) for the kubelet's probes.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  public HealthServer(String address, int port, BooleanSupplier ready) throws IOException {
    server = HttpServer.create(new InetSocketAddress(address, port), 16);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dragoman-kubeflow-health");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/healthz", ex -> answer(ex, true));
    server.createContext("/readyz", ex -> answer(ex, ready.getAsBoolean()));
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange ex, boolean ok) throws IOException {
    byte[] body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
