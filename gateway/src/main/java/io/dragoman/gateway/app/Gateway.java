package io.dragoman.gateway.app;

import io.dragoman.gateway.admin.AdminServer;
import io.dragoman.gateway.admin.DiagInfo;
import io.dragoman.gateway.admin.GatewayMetrics;
import io.dragoman.gateway.admin.Health;
import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.proxy.DnsResolver;
import io.dragoman.gateway.proxy.ProxyListener;
import io.dragoman.gateway.proxy.ProxyServer;
import io.dragoman.gateway.proxy.ProxySettings;
import io.dragoman.gateway.proxy.TrustedProxies;
import io.dragoman.gateway.proxy.UpstreamResolver;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import io.dragoman.gateway.source.ConfigStore;
import io.dragoman.gateway.source.FileSource;
import io.dragoman.gateway.source.kubernetes.KubernetesSource;
import io.dragoman.gateway.source.kubernetes.KubernetesSourceSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every part from the configuration, starts them in order and stops them in reverse.
 * Nothing else creates components; everything is passed down from here.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  static final Path DEFAULT_CONFIG = Path.of("examples", "local");

  private final GatewayConfig config;
  private final Clock clock;
  private final Instant startedAt;
  private final Health health = new Health();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final ConfigStore store;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final List<AutoCloseable> sources = new ArrayList<>();
  private final Supplier<KubernetesClient> kubernetesClient;
  private KubernetesClient client;
  private KubernetesSource kubernetes;
  private volatile boolean closed;

  /**
   * @param kubernetesClient called once, only with {@code --kubernetes}; tests pass the mock API server's client
   */
  public Gateway(
      GatewayConfig config, Clock clock, UpstreamResolver resolver, Supplier<KubernetesClient> kubernetesClient) {
    this.kubernetesClient = kubernetesClient;
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    MappingParser parser = new MappingParser(ParserSettings.DEFAULTS.withAmbassadorId(config.ambassadorId()));
    this.store = new ConfigStore(parser, new RouteTableBuilder(clock, config.upstreamPolicy()), clock);
    store.addListener(new ConfigStore.Listener() {
      @Override
      public void swapped(RouteTable table, Duration sinceFirstPendingChange) {
        metrics.tableSwapped(table);
        metrics.configPropagation(sinceFirstPendingChange.toNanos() / 1e9);
        table.errors().forEach(e -> LOG.warn("config error: {}", e.describe()));
      }

      @Override
      public void failed(Throwable t) {
        metrics.reloadFailed();
        LOG.error("configuration rebuild failed; the previous table keeps serving", t);
      }
    });
    ProxySettings proxySettings =
        ProxySettings.defaults(config.port())
            .withBindAddress(config.address())
            .withIoThreads(config.ioThreads())
            .withHttp1Server(config.http1Server())
            .withAccessLog(config.accessLog())
            .withTrustedProxies(TrustedProxies.parse(config.trustedProxies()));
    proxySettings = config.limits().applyTo(proxySettings);
    if (config.upstreamCaBundle().isPresent()) {
      proxySettings = proxySettings.withUpstreamCaBundle(config.upstreamCaBundle().get());
    }
    this.proxy = new ProxyServer(proxySettings, store::table, resolver, metricsListener(metrics));
    metrics.clientConnections(proxy::openConnections);
    this.admin =
        new AdminServer(config.adminAddress(), config.adminPort(), store::table, this::diagInfo, health, metrics);
  }

  public Gateway(GatewayConfig config, Clock clock, UpstreamResolver resolver) {
    this(config, clock, resolver, KubernetesSource::client);
  }

  public Gateway(GatewayConfig config) {
    this(config, Clock.systemUTC(), new DnsResolver(Duration.ofSeconds(30)));
  }

  /**
   * Starts admin first (so probes answer), then the sources and the public listener. Files load synchronously;
   * the cluster is listed in the background (an API server that is down at start must not stop the process:
   * the gateway stays not ready and keeps retrying). Ready once every source's first complete configuration is live.
   */
  public void start() throws Exception {
    admin.start();
    List<Path> paths = configPaths();
    if (!paths.isEmpty()) {
      FileSource files = new FileSource(paths, config.namespace(), store, FileSource.DEFAULT_POLL_INTERVAL);
      sources.add(files);
      files.start();
      LOG.info("watching configuration in {}", paths);
    }
    store.flush().get(30, TimeUnit.SECONDS);
    proxy.start();
    if (!config.kubernetes()) {
      health.markReady();
      return;
    }
    client = kubernetesClient.get();
    KubernetesSourceSettings settings =
        new KubernetesSourceSettings(
            config.namespace(), config.singleNamespace(), config.labelSelector(), Duration.ZERO);
    kubernetes = new KubernetesSource(client, settings, store);
    sources.add(kubernetes);
    KubernetesSource watched = kubernetes;
    health.addLivenessCheck("kubernetes-informers", watched::healthy);
    watched.firstSync().thenRun(() -> {
      if (!health.draining()) {
        health.markReady();
        LOG.info("first complete list of Services is live: ready");
      }
    });
    watched.start();
    LOG.info("watching Services {} (ambassador_id {})",
        config.singleNamespace() ? "in namespace " + config.namespace() : "in every namespace",
        config.ambassadorId());
  }

  List<Path> configPaths() {
    if (!config.configPaths().isEmpty()) return config.configPaths();
    if (config.kubernetes()) return List.of();
    if (!Files.isDirectory(DEFAULT_CONFIG)) {
      throw new IllegalArgumentException(
          "no --config given, no cluster, and " + DEFAULT_CONFIG + " not found in " + Path.of("").toAbsolutePath()
              + " (run from the repository root, or pass --config PATH)");
    }
    return List.of(DEFAULT_CONFIG);
  }

  /**
   * SIGTERM: not ready at once, keep serving for the drain delay so endpoints converge, stop accepting, finish what
   * is in flight (bounded), then close.
   */
  public void shutdownGracefully() {
    if (closed) return;
    health.markDraining();
    LOG.info("draining: not ready; serving for {} s more", config.drainDelay().toSeconds());
    try {
      Thread.sleep(config.drainDelay().toMillis()); // the delay itself is the point: endpoints need time to converge
      boolean clean = proxy.drain(config.drainTimeout());
      LOG.info(clean ? "in-flight requests finished" : "drain timeout: closing with requests in flight");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    proxy.close();
    for (AutoCloseable s : sources) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", s, e);
      }
    }
    store.close();
    admin.close();
    if (client != null) client.close();
  }

  public int port() {
    return proxy.port();
  }

  public int adminPort() {
    return admin.port();
  }

  public RouteTable table() {
    return store.table();
  }

  public Health health() {
    return health;
  }

  private DiagInfo diagInfo() {
    return new DiagInfo(config.ambassadorId(), config.namespace(), Version.current(), health.ready(), startedAt);
  }

  private static ProxyListener metricsListener(GatewayMetrics metrics) {
    return new ProxyListener() {
      @Override
      public void requestCompleted(String mapping, String namespace, String method, int status, double seconds) {
        metrics.requestCompleted(mapping, namespace, method, status, seconds);
      }

      @Override
      public void upstreamFailure(String mapping, String namespace, String reason) {
        metrics.upstreamFailure(mapping, namespace, reason);
      }

      @Override
      public void retried(String mapping, String namespace) {
        metrics.retry(mapping, namespace);
      }

      @Override
      public void shadowDropped(String mapping, String namespace) {
        metrics.shadowDropped(mapping, namespace);
      }
    };
  }
}
