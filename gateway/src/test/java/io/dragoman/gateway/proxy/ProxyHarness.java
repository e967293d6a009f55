package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.CircuitBreaker;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.PolicySpec;
import io.dragoman.gateway.mapping.RetryPolicy;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A real gateway on loopback for proxy tests, with a listener that counts what the app would turn into metrics. */
final class ProxyHarness implements AutoCloseable {
  /** Counts by event: "shadowDropped:name", "retried:name", "failure:REASON". */
  static final class Counting implements ProxyListener {
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    int get(String key) {
      AtomicInteger n = counts.get(key);
      return n == null ? 0 : n.get();
    }

    private void inc(String key) {
      counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void upstreamFailure(String mapping, String namespace, String reason) {
      inc("failure:" + reason);
    }

    @Override
    public void shadowDropped(String mapping, String namespace) {
      inc("shadowDropped:" + mapping);
    }

    @Override
    public void retried(String mapping, String namespace) {
      inc("retried:" + mapping);
    }
  }

  final LoopbackResolver resolver = new LoopbackResolver();
  final Counting listener = new Counting();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private final ProxyServer proxy;

  ProxyHarness() {
    this(Optional.empty());
  }

  ProxyHarness(Optional<Path> caBundle) {
    ProxySettings settings = LoopbackSettings.of(2, AccessLog.Format.TEXT);
    if (caBundle.isPresent()) settings = settings.withUpstreamCaBundle(caBundle.get());
    proxy = new ProxyServer(settings, table::get, resolver, listener);
    proxy.start();
  }

  int port() {
    return proxy.port();
  }

  URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery);
  }

  /** A named service sent to a loopback port. */
  ServiceRef service(String host, int port, int loopbackPort) {
    resolver.route(host, port, loopbackPort);
    return new ServiceRef(host + ":" + port, false, host, port);
  }

  void routes(Mapping... mappings) {
    table.set(ProxyTestTables.of(mappings));
  }

  static ForwardSpec forward(String rewrite, OptionalLong timeoutMs, boolean grpc, List<String> allowUpgrade) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(rewrite, d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), timeoutMs,
        d.connectTimeoutMs(), d.idleTimeoutMs(), grpc, allowUpgrade, d.maxRequestBodyBytes());
  }

  static PolicySpec policies(
      boolean shadow, Optional<RetryPolicy> retry, List<CircuitBreaker> breakers) {
    return new PolicySpec(
        OptionalInt.empty(), shadow, Optional.empty(), retry, breakers, Optional.empty(), Optional.empty());
  }

  @Override
  public void close() {
    proxy.close();
  }
}
