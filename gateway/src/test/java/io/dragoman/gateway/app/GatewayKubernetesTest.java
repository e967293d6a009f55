package io.dragoman.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.routing.UpstreamPolicy;
import io.dragoman.gateway.proxy.LoopbackResolver;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway watching a (mock, CRUD) API server: annotated Services become routes through the real proxy to real
 * upstream sockets; edits and deletes follow; one broken annotation never disturbs the others.
 */
@EnableKubernetesMockClient(crud = true)
class GatewayKubernetesTest {
  static final String ANNOTATION = "getambassador.io/config";

  KubernetesClient client;
  private final MockWebServer echo = new MockWebServer();
  private final LoopbackResolver resolver = new LoopbackResolver();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Gateway gateway;

  @BeforeEach
  void start() throws Exception {
    echo.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body(request.getTarget()).build();
      }
    });
    echo.start();
    for (String host : List.of("echo.default", "echo.team-a", "echo.team-b", "other.default")) {
      resolver.route(host, 80, echo.getPort());
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.close();
    echo.close();
  }

  private void startGateway(boolean singleNamespace, String ambassadorId) throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(), true, "default", singleNamespace, Optional.empty(),
        ambassadorId, 0, 0, "127.0.0.1", AccessLog.Format.OFF, List.of(), Duration.ZERO, Duration.ofSeconds(5), false, "127.0.0.1", UpstreamPolicy.DEFAULTS, Optional.empty(), 0, io.dragoman.gateway.proxy.ProxySettings.Http1Server.byDefault(),
        ListenerFlags.DEFAULTS);
    gateway = new Gateway(config, Clock.systemUTC(), resolver, () -> client);
    gateway.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.health().ready());
  }

  /**
   * The first watch event of a cold JVM on a busy machine can take longer than a second; the bounds below are for a
   * gateway in its steady state, so one throwaway Service goes through first.
   */
  private void warmUp() {
    client.services().inNamespace("default")
        .resource(service("other", "default", mapping("warm-up", "/warm-up/", "other"))).create();
    await().atMost(Duration.ofSeconds(15)).until(() -> status("/warm-up/") == 200);
  }

  private static Service service(String name, String namespace, String annotation) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).addToAnnotations(ANNOTATION, annotation).endMetadata()
        .withNewSpec().addNewPort().withPort(80).endPort().endSpec()
        .build();
  }

  private static String mapping(String name, String prefix, String service) {
    return "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: " + name + "\nspec:\n  prefix: "
        + prefix + "\n  service: " + service + "\n";
  }

  private int status(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private String body(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void annotatedServicesRouteAndFollowEditsAndDeletes() throws Exception {
    startGateway(false, "default");
    warmUp();
    assertThat(status("/echo/")).isEqualTo(404);

    client.services().inNamespace("default").resource(service("echo", "default", mapping("echo", "/echo/", "echo"))).create();
    await().atMost(Duration.ofSeconds(1)).until(() -> status("/echo/a") == 200);
    assertThat(body("/echo/a?q=1")).isEqualTo("/a?q=1");

    client.services().inNamespace("default").withName("echo")
        .edit(s -> service("echo", "default", mapping("echo", "/moved/", "echo") + "  rewrite: /v2/\n"));
    await().atMost(Duration.ofSeconds(1)).until(() -> status("/moved/x") == 200);
    assertThat(body("/moved/x")).isEqualTo("/v2/x");
    assertThat(status("/echo/a")).isEqualTo(404);

    client.services().inNamespace("default").withName("echo").delete();
    await().atMost(Duration.ofSeconds(1)).until(() -> status("/moved/x") == 404);
  }

  @Test
  void aBrokenAnnotationShowsItsErrorWhileOthersKeepRouting() throws Exception {
    startGateway(false, "default");
    warmUp();
    client.services().inNamespace("team-a").resource(service("echo", "team-a", mapping("a", "/a/", "echo"))).create();
    client.services().inNamespace("team-b").resource(
        service("echo", "team-b", "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: b}\n"
            + "spec: {prefix: /b/, service: echo, timeout_ms: \"3s\"}\n")).create();

    await().atMost(Duration.ofSeconds(1)).until(() -> status("/a/") == 200);
    await().atMost(Duration.ofSeconds(1)).until(() -> !gateway.table().errors().isEmpty());
    assertThat(gateway.table().errors()).singleElement().satisfies(e -> {
      assertThat(e.source()).isEqualTo("echo.team-b");
      assertThat(e.object()).isEqualTo("b");
      assertThat(e.message()).contains("timeout_ms");
    });
    assertThat(status("/b/")).isEqualTo(404);
    assertThat(status("/a/")).isEqualTo(200);
  }

  @Test
  void singleNamespaceIgnoresOtherNamespaces() throws Exception {
    client.services().inNamespace("team-a").resource(service("echo", "team-a", mapping("a", "/a/", "echo"))).create();
    client.services().inNamespace("default").resource(service("echo", "default", mapping("d", "/d/", "echo"))).create();
    startGateway(true, "default");

    await().atMost(Duration.ofSeconds(5)).until(() -> status("/d/") == 200);
    assertThat(status("/a/")).isEqualTo(404);
    assertThat(gateway.table().sources()).extracting(s -> s.key()).containsExactly("echo.default");
  }

  @Test
  void ambassadorIdSelectsWhichObjectsThisGatewayUses() throws Exception {
    client.services().inNamespace("default").resource(service("echo", "default",
        mapping("mine", "/mine/", "echo") + "  ambassador_id: [blue]\n---\n"
            + mapping("theirs", "/theirs/", "echo") + "  ambassador_id: green\n")).create();
    startGateway(false, "blue");

    await().atMost(Duration.ofSeconds(5)).until(() -> status("/mine/") == 200);
    assertThat(status("/theirs/")).isEqualTo(404);
    assertThat(gateway.table().skipped()).singleElement().satisfies(s -> assertThat(s.object()).isEqualTo("theirs"));
  }
}
