package io.dragoman.gateway.bench;

import io.dragoman.gateway.app.Gateway;
import io.dragoman.gateway.app.GatewayConfig;
import io.dragoman.gateway.app.ListenerFlags;
import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.routing.UpstreamPolicy;
import io.dragoman.gateway.proxy.UpstreamResolver;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a benchmark run on demand (see bench/README.md). With SERVICES annotated Services in a mock API
 * server, it measures the time from start to ready, the heap the gateway holds, and the time from one annotation
 * change to the new route answering through the proxy (CHANGES times; median and worst).
 *
 * <pre>mvn -B -pl gateway test -Dtest=PropagationBenchmark -Dsurefire.excludedGroups= -Dservices=1000 -Dchanges=100</pre>
 */
@Tag("benchmark")
class PropagationBenchmark {
  private static final String ANNOTATION = "getambassador.io/config";

  @Test
  void propagation() throws Exception {
    int services = Integer.getInteger("services", 1000);
    int changes = Integer.getInteger("changes", 100);
    MockWebServer upstream = new MockWebServer();
    upstream.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    upstream.start();
    UpstreamResolver everythingToUpstream = new UpstreamResolver() {
      @Override
      public InetSocketAddress cached(String host, int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.getPort());
      }

      @Override
      public InetSocketAddress resolve(String host, int port) {
        return cached(host, port);
      }
    };

    KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
        new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
        new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient client = server.createClient();
    for (int i = 0; i < services; i++) {
      client.services().inNamespace("ns-" + (i % 50)).resource(service(i, "/svc-" + i + "/")).create();
    }

    long heapBefore = usedHeapAfterGc();
    GatewayConfig config = new GatewayConfig(List.of(), true, "default", false, Optional.empty(), "default", 0, 0,
        "127.0.0.1", AccessLog.Format.OFF, List.of(), Duration.ZERO, Duration.ofSeconds(5), false, "127.0.0.1", UpstreamPolicy.DEFAULTS, Optional.empty(), 0, io.dragoman.gateway.proxy.ProxySettings.Http1Server.byDefault(),
        ListenerFlags.DEFAULTS);
    long t0 = System.nanoTime();
    Gateway gateway = new Gateway(config, Clock.systemUTC(), everythingToUpstream, () -> client);
    gateway.start();
    while (!gateway.health().ready()) LockSupport.parkNanos(1_000_000);
    double readyMs = (System.nanoTime() - t0) / 1e6;
    long heapAfter = usedHeapAfterGc();

    HttpClient http = HttpClient.newHttpClient();
    List<Double> latencies = new ArrayList<>();
    for (int c = 0; c < changes; c++) {
      int i = c % services;
      String prefix = "/changed-" + c + "/";
      long start = System.nanoTime();
      client.services().inNamespace("ns-" + (i % 50)).withName("svc-" + i).edit(s -> service(i, prefix));
      while (status(http, gateway.port(), prefix) != 200) LockSupport.parkNanos(200_000);
      latencies.add((System.nanoTime() - start) / 1e6);
    }
    Collections.sort(latencies);
    System.out.printf(
        "propagation: services=%d routes=%d ready_ms=%.0f heap_gateway_mb=%.1f heap_total_mb=%.1f "
            + "change_to_live_ms median=%.1f p90=%.1f worst=%.1f (n=%d)%n",
        services, gateway.table().routeCount(), readyMs, (heapAfter - heapBefore) / 1048576.0,
        heapAfter / 1048576.0, latencies.get(latencies.size() / 2),
        latencies.get((int) (latencies.size() * 0.9)), latencies.get(latencies.size() - 1), latencies.size());
    gateway.close();
    client.close();
    server.destroy();
    upstream.close();
  }

  private static io.fabric8.kubernetes.api.model.Service service(int i, String prefix) {
    String yaml = "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: m-" + i + "}\n"
        + "spec:\n  prefix: " + prefix + "\n  service: svc-" + i + ":8080\n  timeout_ms: 30000\n";
    return new ServiceBuilder()
        .withNewMetadata().withName("svc-" + i).withNamespace("ns-" + (i % 50))
        .addToAnnotations(ANNOTATION, yaml).endMetadata()
        .withNewSpec().addNewPort().withPort(8080).endPort().endSpec()
        .build();
  }

  private static int status(HttpClient http, int port, String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
