package io.dragoman.kubeflow.e2e;

import static io.dragoman.kubeflow.controller.K8s.officialImage;
import static io.dragoman.kubeflow.controller.K8s.pod;
import static io.dragoman.kubeflow.controller.K8s.servingService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.proxy.AccessLog;
import io.dragoman.gateway.proxy.ProxyListener;
import io.dragoman.gateway.proxy.ProxyServer;
import io.dragoman.gateway.proxy.ProxySettings;
import io.dragoman.gateway.routing.RouteTableBuilder;
import io.dragoman.gateway.source.ConfigStore;
import io.dragoman.gateway.source.kubernetes.KubernetesSource;
import io.dragoman.gateway.source.kubernetes.KubernetesSourceSettings;
import io.dragoman.kubeflow.controller.ControllerSettings;
import io.dragoman.kubeflow.controller.ServiceController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything in one JVM: the mock API server, the controller annotating Services, the gateway's configuration store
 * fed by the gateway's own Kubernetes source watching those annotations, the gateway's real proxy, and a MockWebServer speaking TF Serving's API.
 */
@EnableKubernetesMockClient(crud = true)
class KubeflowEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesMockServer server;
  KubernetesClient client;

  private final MockWebServer tfServing = new MockWebServer();
  private final FakeTfServing api = new FakeTfServing();
  private final ClusterDns dns = new ClusterDns();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private KubernetesClient gatewayClient;
  private ServiceController controller;
  private ConfigStore store;
  private KubernetesSource gatewaySource;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    tfServing.setDispatcher(api);
    tfServing.start();
    controller = new ServiceController(client,
        new ControllerSettings(List.of(), "", "e2e", "kubeflow", Duration.ofMinutes(5)), Clock.systemUTC());
    controller.start();

    store = new ConfigStore(new MappingParser(ParserSettings.DEFAULTS), new RouteTableBuilder(Clock.systemUTC()),
        Clock.systemUTC());
    gatewayClient = server.createClient();
    // The gateway's own Kubernetes source, watching the same API server the controller writes to.
    gatewaySource = new KubernetesSource(gatewayClient, KubernetesSourceSettings.clusterWide("kubeflow"), store);
    gatewaySource.start();
    gatewaySource.firstSync().get(30, java.util.concurrent.TimeUnit.SECONDS);
    ProxySettings settings =
        ProxySettings.defaults(0).withBindAddress("127.0.0.1").withIoThreads(2).withAccessLog(AccessLog.Format.TEXT);
    proxy = new ProxyServer(settings, store::table, dns, ProxyListener.NONE);
    proxy.start();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    gatewaySource.close();
    gatewayClient.close();
    store.close();
    controller.close();
    tfServing.close();
  }

  private void deployModel(String ns, String service, String model) {
    dns.add(service, ns, 8501, tfServing.getPort());
    client.pods().inNamespace(ns).resource(pod(ns, service + "-1", Map.of("app", service), officialImage(model)))
        .create();
    client.services().resource(servingService(ns, service).build()).create();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .timeout(Duration.ofSeconds(10));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int status(String method, String path) {
    try {
      return send(method, path, null).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aDeployedModelIsReachableThroughTheGatewayUntilItIsDeleted() throws Exception {
    deployModel("kubeflow", "half-plus-two", "half_plus_two");
    await().atMost(WAIT).until(() -> status("GET", "/models/half_plus_two/") == 200);

    String instances = "{\"instances\": [1.0, 2.0, 5.0]}";
    HttpResponse<String> predicted = send("POST", "/models/half_plus_two/", instances);
    assertThat(predicted.statusCode()).isEqualTo(200);
    assertThat(predicted.body()).isEqualTo("{\"predictions\": [2.5, 3.0, 4.5]}");
    assertThat(api.seen).contains(
        new FakeTfServing.Seen("POST", "/v1/models/half_plus_two:predict", instances));

    HttpResponse<String> status = send("GET", "/models/half_plus_two/", null);
    assertThat(status.body()).isEqualTo(FakeTfServing.STATUS);
    assertThat(api.seen).contains(new FakeTfServing.Seen("GET", "/v1/models/half_plus_two", ""));

    HttpResponse<String> longer = send("POST", "/models/half_plus_two/extra", instances);
    assertThat(longer.statusCode()).isEqualTo(404);
    assertThat(longer.headers().firstValue("x-dragoman-reason")).contains("NR");

    // A second model in another namespace gets its own routes.
    deployModel("team-a", "iris", "iris");
    await().atMost(WAIT).until(() -> status("GET", "/models/iris/") == 200);
    HttpResponse<String> iris = send("POST", "/models/iris", "{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");
    assertThat(iris.body()).isEqualTo("{\"predictions\": [[0.9, 0.05, 0.05]]}");
    assertThat(api.seen).contains(
        new FakeTfServing.Seen("POST", "/v1/models/iris:predict", "{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}"));

    // Deleting the model removes its routes, and only its routes.
    client.services().inNamespace("kubeflow").withName("half-plus-two").delete();
    client.pods().inNamespace("kubeflow").withName("half-plus-two-1").delete();
    await().atMost(WAIT).until(() -> status("POST", "/models/half_plus_two/") == 404);
    HttpResponse<String> gone = send("POST", "/models/half_plus_two/", instances);
    assertThat(gone.headers().firstValue("x-dragoman-reason")).contains("NR");
    assertThat(status("GET", "/models/iris/")).isEqualTo(200);
  }
}
