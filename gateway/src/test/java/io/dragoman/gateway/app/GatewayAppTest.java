package io.dragoman.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.routing.UpstreamPolicy;
import io.dragoman.gateway.proxy.DnsResolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway from files: real parser, builder, store, file watcher, proxy and admin listener. */
class GatewayAppTest {
  @TempDir Path dir;
  private final MockWebServer blue = new MockWebServer();
  private final MockWebServer green = new MockWebServer();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private Gateway gateway;

  @BeforeEach
  void upstreams() throws Exception {
    blue.setDispatcher(answer("blue"));
    green.setDispatcher(answer("green"));
    blue.start();
    green.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.close();
    blue.close();
    green.close();
  }

  private static Dispatcher answer(String body) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body(body + " " + request.getTarget()).build();
      }
    };
  }

  private void start() throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(dir), false, "default", false, Optional.empty(), "default", 0, 0,
        "127.0.0.1", AccessLog.Format.OFF, List.of(), Duration.ZERO, Duration.ofSeconds(5), false, "127.0.0.1", UpstreamPolicy.DEFAULTS, Optional.empty(), 0, io.dragoman.gateway.proxy.ProxySettings.Http1Server.byDefault(),
        ListenerFlags.DEFAULTS);
    gateway = new Gateway(config, Clock.systemUTC(), new DnsResolver(Duration.ofSeconds(30)));
    gateway.start();
  }

  private void write(String file, String yaml) throws Exception {
    Path tmp = dir.resolve("." + file + ".tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String mapping(String name, String prefix, int port) {
    return "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: " + name + "\nspec:\n  prefix: "
        + prefix + "\n  service: 127.0.0.1:" + port + "\n";
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesFromFilesAndDiagnosticsListsThem() throws Exception {
    write("svc.yaml", mapping("svc", "/svc/", blue.getPort()) + "---\n" + mapping("other", "/other/", green.getPort()));
    start();

    assertThat(get(gateway.port(), "/svc/hello?x=1").body()).isEqualTo("blue /hello?x=1");
    assertThat(get(gateway.port(), "/other/").body()).isEqualTo("green /");

    HttpResponse<String> ready = get(gateway.adminPort(), "/ambassador/v0/check_ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode diag = new ObjectMapper().readTree(get(gateway.adminPort(), "/ambassador/v0/diag/?json=true").body());
    List<String> names = new ArrayList<>();
    diag.get("routes").forEach(r -> names.add(r.get("name").asText()));
    assertThat(names).containsExactly("other", "svc"); // longer prefix first
    assertThat(diag.get("routes").get(1).get("source").asText()).isEqualTo("svc.yaml");
    assertThat(diag.get("sources").get(0).get("key").asText()).isEqualTo("svc.yaml");

    get(gateway.port(), "/nowhere");
    // A request is counted when its exchange completes, which may be just after the client has read the answer.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(gateway.adminPort(), "/metrics").body())
        .contains("dragoman_requests_total{code=\"200\",mapping=\"svc\",method=\"GET\",namespace=\"default\"} 1.0")
        .contains("dragoman_requests_total{code=\"404\",mapping=\"\",method=\"GET\",namespace=\"\"} 1.0")
        .contains("dragoman_routes 2.0")
        .contains("dragoman_config_errors 0.0"));
  }

  @Test
  void openClientConnectionsAreAGauge() throws Exception {
    write("svc.yaml", mapping("svc", "/svc/", blue.getPort()));
    start();
    List<java.net.Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port());
        sockets.add(socket);
        socket.getOutputStream().write("GET /svc/ HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
            .isEqualTo("HTTP/1.1 200");
      }

      assertThat(get(gateway.adminPort(), "/metrics").body()).contains("dragoman_client_connections 3.0");
    } finally {
      for (java.net.Socket socket : sockets) socket.close();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(gateway.adminPort(), "/metrics").body())
        .contains("dragoman_client_connections 0.0"));
  }

  @Test
  void upstreamFailuresAreCountedByReason() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    write("dead.yaml", mapping("dead", "/dead/", closed));
    start();

    assertThat(get(gateway.port(), "/dead/").statusCode()).isEqualTo(503);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(gateway.adminPort(), "/metrics").body())
        .contains("dragoman_upstream_failures_total{mapping=\"dead\",namespace=\"default\",reason=\"UF\"} 1.0"));
  }

  @Test
  void brokenEditShowsItsErrorWhileLastGoodKeepsServing() throws Exception {
    write("svc.yaml", mapping("svc", "/svc/", blue.getPort()));
    start();
    long gen = gateway.table().generation();

    write("svc.yaml", "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: svc\nspec: [");
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.table().generation() > gen);

    assertThat(gateway.table().errors()).hasSize(1);
    assertThat(gateway.table().errors().get(0).source()).isEqualTo("svc.yaml");
    assertThat(get(gateway.port(), "/svc/still").body()).isEqualTo("blue /still");
  }

  @Test
  void fileEditsUnderLoadSwapTheTableWithNoFailedRequest() throws Exception {
    write("svc.yaml", mapping("svc", "/svc/", blue.getPort()));
    start();
    int port = gateway.port();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(load.submit(() -> {
        while (running.get()) {
          try {
            HttpResponse<String> r = get(port, "/svc/x");
            if (r.statusCode() == 200) ok.incrementAndGet();
            else {
              failed.incrementAndGet();
              failures.add(r.statusCode() + " " + r.body());
            }
          } catch (Exception e) {
            failed.incrementAndGet();
            failures.add(e.toString());
          }
        }
        return null;
      }));
    }

    for (int i = 0; i < 20; i++) {
      long gen = gateway.table().generation();
      int target = i % 2 == 0 ? green.getPort() : blue.getPort();
      write("svc.yaml", mapping("svc", "/svc/", target) + "---\n" + mapping("extra" + i, "/extra" + i + "/", target));
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.table().generation() > gen);
    }
    long before = ok.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > before + 50);
    running.set(false);
    for (Future<?> w : workers) w.get();
    load.shutdown();

    System.out.printf("config swaps under load: %d requests ok, %d failed%n", ok.get(), failed.get());
    assertThat(failures).isEmpty();
    assertThat(blue.getRequestCount()).isPositive();
    assertThat(green.getRequestCount()).isPositive();
  }

  @Test
  void readinessFlipsWhenDraining() throws Exception {
    write("svc.yaml", mapping("svc", "/svc/", blue.getPort()));
    start();
    assertThat(get(gateway.adminPort(), "/ambassador/v0/check_ready").statusCode()).isEqualTo(200);

    gateway.health().markDraining();

    assertThat(get(gateway.adminPort(), "/ambassador/v0/check_ready").statusCode()).isEqualTo(503);
    assertThat(get(gateway.port(), "/svc/").statusCode()).isEqualTo(200); // still serving while draining
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsDefaults() {
    GatewayConfig c = GatewayConfig.parse(new String[] {"--port", "9090", "--ambassador-id=blue"},
        Map.of("DRAGOMAN_PORT", "7070", "DRAGOMAN_ADMIN_PORT", "7877", "AMBASSADOR_ID", "green",
            "AMBASSADOR_SINGLE_NAMESPACE", "yes", "DRAGOMAN_CONFIG", "a.yaml,b"));
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.adminPort()).isEqualTo(7877);
    assertThat(c.ambassadorId()).isEqualTo("blue");
    assertThat(c.singleNamespace()).isTrue();
    assertThat(c.configPaths()).containsExactly(Path.of("a.yaml"), Path.of("b"));
    assertThat(c.adminAddress()).isEqualTo("127.0.0.1");
    assertThat(c.namespace()).isEqualTo("default");
  }

  @Test
  void listenerLimitsComeFromFlagsAndEnvironment() {
    GatewayConfig c = GatewayConfig.parse(new String[] {"--max-header-bytes", "8192", "--max-uri-bytes=1024"},
        Map.of("DRAGOMAN_MAX_REQUEST_BODY_BYTES", "1048576", "DRAGOMAN_MAX_HEADER_BYTES", "99"));
    io.dragoman.gateway.proxy.ProxySettings s =
        c.limits().applyTo(io.dragoman.gateway.proxy.ProxySettings.defaults(0));

    assertThat(s.maxHeaderBytes()).isEqualTo(8192);
    assertThat(s.maxRequestBodyBytes()).isEqualTo(1_048_576);
    assertThat(s.limits().maxUriBytes()).isEqualTo(1024);
    assertThat(s.maxHeaders()).isEqualTo(100);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GatewayConfig.parse(new String[] {"--max-headers", "0"}, Map.of()))
        .hasMessage("--max-headers: \"0\" (expected: a whole number > 0)");
  }

  @Test
  void badFlagsSayWhatWasExpected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.parse(new String[] {"--port", "http"}, Map.of()))
        .hasMessage("--port: \"http\" (expected: a port number 0-65535)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.parse(new String[] {"--bogus"}, Map.of()))
        .hasMessage("unknown option --bogus (see --help)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GatewayConfig.parse(new String[] {"--label-selector", "nope"}, Map.of()))
        .hasMessage("--label-selector: \"nope\" (expected: key=value)");
  }
}
