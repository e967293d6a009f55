package io.dragoman.kubeflow.controller;

import static io.dragoman.kubeflow.controller.K8s.kubeflowStyle;
import static io.dragoman.kubeflow.controller.K8s.officialImage;
import static io.dragoman.kubeflow.controller.K8s.plain;
import static io.dragoman.kubeflow.controller.K8s.pod;
import static io.dragoman.kubeflow.controller.K8s.port;
import static io.dragoman.kubeflow.controller.K8s.service;
import static io.dragoman.kubeflow.controller.K8s.servingService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.Mapping;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller against the CRUD mock API server: informers, patches and Events for real. */
@EnableKubernetesMockClient(crud = true)
class ServiceControllerTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;
  private ServiceController controller;

  @BeforeEach
  void start() {
    controller = new ServiceController(client,
        new ControllerSettings(List.of(), "http://kf.test", "test-controller", "kubeflow", Duration.ofMinutes(5)),
        Clock.systemUTC());
    controller.start();
    await().atMost(WAIT).until(controller::synced);
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  private void deploy(String ns, String app, Container c) {
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName(app).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", app).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata()
        .withNewSpec().withContainers(c).endSpec().endTemplate().endSpec().build()).create();
    // The mock runs no controllers: the test plays the ReplicaSet and creates the pod.
    client.pods().inNamespace(ns).resource(pod(ns, app + "-7d9f-x1", Map.of("app", app), c)).create();
  }

  private Map<String, String> annotations(String ns, String name) {
    Map<String, String> a = client.services().inNamespace(ns).withName(name).get().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private Routes awaitRoutes(String ns, String name) {
    await().atMost(WAIT).until(() -> annotations(ns, name).containsKey(Keys.AMBASSADOR_CONFIG));
    return Routes.of(Map.of(name + "." + ns, annotations(ns, name).get(Keys.AMBASSADOR_CONFIG)));
  }

  private List<Event> events(String ns, String service) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> service.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void officialImageDeploymentGetsExactlyTheTableRoutes() {
    deploy("models", "hpt", officialImage("half_plus_two"));
    client.services().resource(servingService("models", "hpt").build()).create();

    Routes routes = awaitRoutes("models", "hpt");
    String n = "tfserving-models-hpt-half_plus_two";
    assertThat(routes.table().errors()).isEmpty();
    assertThat(routes.mappings()).extracting(Mapping::name).containsExactly(
        n + "-predict", n + "-predict-version", n + "-classify", n + "-regress", n + "-status", n + "-metadata");
    assertThat(routes.mappings()).extracting(m -> m.match().method()).containsExactly(
        "POST", "POST", "POST", "POST", "GET", "GET");
    assertThat(routes.match("POST", "/models/half_plus_two/"))
        .isEqualTo(new Routes.Hit(n + "-predict", "hpt.models:8501", "/v1/models/half_plus_two:predict", 30_000));
    assertThat(annotations("models", "hpt"))
        .containsEntry(Keys.MANAGED_BY, "kubeflow-integration")
        .containsEntry(Keys.MODEL_URL, "http://kf.test/models/half_plus_two/");
    await().atMost(WAIT).until(() -> !events("models", "hpt").isEmpty());
    Event routed = events("models", "hpt").get(0);
    assertThat(routed.getType()).isEqualTo("Normal");
    assertThat(routed.getReason()).isEqualTo("Routed");
    assertThat(routed.getMessage()).isEqualTo(
        "routed half_plus_two at http://kf.test/models/half_plus_two/ (upstream hpt.models:8501)");
  }

  @Test
  void kubeflowBinaryWithRestOn8500() {
    deploy("kubeflow", "mnist", kubeflowStyle("mnist"));
    client.services().resource(service("kubeflow", "mnist", Map.of("app", "mnist"),
        port("grpc-tf-serving", 9000, 9000), port("http-tf-serving", 8500, 8500)).build()).create();

    Routes routes = awaitRoutes("kubeflow", "mnist");
    assertThat(routes.match("POST", "/models/mnist/versions/2/")).isEqualTo(new Routes.Hit(
        "tfserving-kubeflow-mnist-mnist-predict-version", "mnist.kubeflow:8500",
        "/v1/models/mnist/versions/2:predict", 30_000));
  }

  @Test
  void modelNamesFromAnnotationArgEnvAndDefault() {
    deploy("a", "s", officialImage(null));
    client.services().resource(servingService("a", "s").editMetadata()
        .addToAnnotations(Keys.MODEL_NAME, "from-annotation").endMetadata().build()).create();
    deploy("b", "s", kubeflowStyle("from-arg"));
    client.services().resource(servingService("b", "s").build()).create();
    deploy("c", "s", officialImage("from-env"));
    client.services().resource(servingService("c", "s").build()).create();
    deploy("d", "s", officialImage(null));
    client.services().resource(servingService("d", "s").build()).create();

    for (var expected : Map.of("a", "from-annotation", "b", "from-arg", "c", "from-env", "d", "model").entrySet()) {
      await().atMost(WAIT).until(() -> annotations(expected.getKey(), "s").containsKey(Keys.MODEL_URL));
      assertThat(annotations(expected.getKey(), "s").get(Keys.MODEL_URL))
          .isEqualTo("http://kf.test/models/" + expected.getValue() + "/");
    }
  }

  @Test
  void optInLabelRoutesANonTfService() {
    deploy("ns", "proxy", plain("example/rest-proxy:1"));
    client.services().resource(servingService("ns", "proxy").editMetadata()
        .addToLabels(Keys.TF_SERVING_LABEL, "true").addToAnnotations(Keys.MODEL_NAME, "iris").endMetadata()
        .build()).create();

    assertThat(awaitRoutes("ns", "proxy").match("POST", "/models/iris").upstream()).isEqualTo("proxy.ns:8501");
  }

  @Test
  void optOutRemovesTheKeysAndKeepsOtherAnnotations() {
    deploy("ns", "m", officialImage("m"));
    client.services().resource(servingService("ns", "m").editMetadata()
        .addToAnnotations("team", "ml").endMetadata().build()).create();
    awaitRoutes("ns", "m");

    client.services().inNamespace("ns").withName("m")
        .edit(s -> { s.getMetadata().getLabels().put(Keys.TF_SERVING_LABEL, "false"); return s; });

    await().atMost(WAIT).until(() -> !annotations("ns", "m").containsKey(Keys.MANAGED_BY));
    // Absent, not null: the JSON patch removed the keys.
    assertThat(annotations("ns", "m")).doesNotContainKeys(Keys.AMBASSADOR_CONFIG, Keys.MANAGED_BY, Keys.MODEL_URL)
        .containsEntry("team", "ml");
    await().atMost(WAIT).until(() -> events("ns", "m").stream().anyMatch(e -> e.getReason().equals("RoutesRemoved")));
  }

  @Test
  void aServiceWhosePodsStopServingLosesItsRoutes() {
    deploy("ns", "m", officialImage("m"));
    client.services().resource(servingService("ns", "m").build()).create();
    awaitRoutes("ns", "m");

    client.pods().inNamespace("ns").withName("m-7d9f-x1").delete();
    client.pods().inNamespace("ns").resource(pod("ns", "m-new", Map.of("app", "m"), plain("nginx:1.27"))).create();

    await().atMost(WAIT).until(() -> annotations("ns", "m").isEmpty());
  }

  @Test
  void editedAwayAnnotationIsRepaired() {
    deploy("ns", "m", officialImage("m"));
    client.services().resource(servingService("ns", "m").build()).create();
    String original = awaitRoutes("ns", "m").mappings().toString();

    client.services().inNamespace("ns").withName("m").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/getambassador.io~1config\"}]");

    Routes repaired = awaitRoutes("ns", "m");
    assertThat(repaired.mappings().toString()).isEqualTo(original);
  }

  @Test
  void aForeignConfigIsLeftAloneWithAnEvent() {
    String foreign = "---\napiVersion: ambassador/v0\nkind: Mapping\nname: mine\nprefix: /mine/\nservice: m:8501\n";
    deploy("ns", "m", officialImage("m"));
    client.services().resource(servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.AMBASSADOR_CONFIG, foreign).endMetadata().build()).create();

    await().atMost(WAIT).until(() -> !events("ns", "m").isEmpty());
    Event e = events("ns", "m").get(0);
    assertThat(e.getType()).isEqualTo("Warning");
    assertThat(e.getReason()).isEqualTo("ForeignConfig");
    assertThat(annotations("ns", "m")).isEqualTo(Map.of(Keys.AMBASSADOR_CONFIG, foreign));
    assertThat(controller.writes()).isZero();
  }

  @Test
  void anUnsafeModelNameIsRefusedWithAnEvent() {
    deploy("ns", "m", officialImage("m"));
    client.services().resource(servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.MODEL_NAME, "../admin").endMetadata().build()).create();

    await().atMost(WAIT).until(() -> !events("ns", "m").isEmpty());
    Event e = events("ns", "m").get(0);
    assertThat(e.getType()).isEqualTo("Warning");
    assertThat(e.getReason()).isEqualTo("UnsafeModelName");
    assertThat(e.getMessage()).startsWith("model name: \"../admin\" (expected: a plain name without \"..\")");
    assertThat(annotations("ns", "m")).isEqualTo(Map.of(Keys.MODEL_NAME, "../admin"));
  }

  @Test
  void aPatchBuiltFromAStaleReadIsRefusedByTheServer() {
    controller.close(); // this test plays the controller's patch by hand
    client.services().resource(servingService("ns", "m").build()).create();
    String readAt = client.services().inNamespace("ns").withName("m").get().getMetadata().getResourceVersion();
    // Between the controller's read and its patch, someone writes their own routes.
    client.services().inNamespace("ns").withName("m").edit(svc -> {
      svc.getMetadata().getAnnotations().put(Keys.AMBASSADOR_CONFIG, "foreign");
      return svc;
    });
    Decision routed = new Decision(Decision.Action.APPLY, Map.of(Keys.AMBASSADOR_CONFIG, "ours"),
        Optional.empty());
    String stale = client.getKubernetesSerialization().asJson(AnnotationPatch.operations(Map.of(), routed, readAt));

    // A real API server answers 422 to the failed test operation; this mock server never answers it, so the
    // client gives up after a short timeout. Either way nothing is written.
    try (KubernetesClient impatient = new KubernetesClientBuilder().withConfig(
        new ConfigBuilder(client.getConfiguration())
            .withRequestTimeout(2000).withRequestRetryBackoffLimit(0).build()).build()) {
      assertThatThrownBy(() -> impatient.services().inNamespace("ns").withName("m")
              .patch(PatchContext.of(PatchType.JSON), stale))
          .isInstanceOf(KubernetesClientException.class);
    }
    assertThat(annotations("ns", "m")).containsEntry(Keys.AMBASSADOR_CONFIG, "foreign");
  }

  @Test
  void servicesOutsideTheWatchedNamespacesAreNotTouched() {
    controller.close();
    controller = new ServiceController(client,
        new ControllerSettings(List.of("watched"), "", "test-controller", "kubeflow", Duration.ofMinutes(5)),
        Clock.systemUTC());
    controller.start();
    await().atMost(WAIT).until(controller::synced);
    deploy("other", "m", officialImage("m"));
    client.services().resource(servingService("other", "m").build()).create();
    deploy("watched", "m", officialImage("m"));
    client.services().resource(servingService("watched", "m").build()).create();

    awaitRoutes("watched", "m");
    assertThat(annotations("watched", "m")).containsEntry(Keys.MODEL_URL, "/models/m/");
    assertThat(annotations("other", "m")).isEmpty();
  }

}
