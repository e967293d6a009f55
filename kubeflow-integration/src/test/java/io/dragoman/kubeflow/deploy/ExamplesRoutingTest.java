package io.dragoman.kubeflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.routing.RequestView;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.kubeflow.controller.Decision;
import io.dragoman.kubeflow.controller.Keys;
import io.dragoman.kubeflow.controller.Reconciler;
import io.dragoman.kubeflow.controller.Routes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The examples as users apply them: examples/tf-serving is recognised by the controller, and its generated routes
 * work next to the Kubeflow-era annotations of examples/kubeflow (the gateway's own parser and route table decide).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesRoutingTest {
  private Decision generated;
  private Routes routes;

  @BeforeAll
  void build() {
    List<HasMetadata> tfServing = Kustomize.render("examples/tf-serving");
    Service service = only(tfServing, Service.class);
    Deployment deployment = only(tfServing, Deployment.class);
    // The pod its ReplicaSet would create.
    Pod pod = new PodBuilder()
        .withNewMetadata().withName("half-plus-two-5d8f-abcde").withNamespace("kubeflow")
        .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(deployment.getSpec().getTemplate().getSpec())
        .build();
    generated = new Reconciler("").reconcile(service, List.of(pod));

    Map<String, String> sources = new LinkedHashMap<>();
    for (Service s : Kustomize.render("examples/kubeflow").stream()
        .filter(Service.class::isInstance).map(Service.class::cast).toList()) {
      sources.put(s.getMetadata().getName() + "." + s.getMetadata().getNamespace(),
          s.getMetadata().getAnnotations().get(Keys.AMBASSADOR_CONFIG));
    }
    sources.put("half-plus-two.kubeflow", generated.annotations().get(Keys.AMBASSADOR_CONFIG));
    routes = Routes.of(sources);
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind) {
    List<T> found = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertThat(found).as(kind.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  @Test
  void theTfServingExampleIsRecognisedWithItsModelName() {
    assertThat(generated.action()).isEqualTo(Decision.Action.APPLY);
    assertThat(generated.annotations()).containsEntry(Keys.MODEL_URL, "/models/half_plus_two/");
    assertThat(routes.table().errors()).isEmpty();
  }

  @Test
  void generatedAndKubeflowEraRoutesEachGetTheirOwnRequests() {
    String hpt = "tfserving-kubeflow-half-plus-two-half_plus_two";
    assertThat(routes.match("POST", "/models/half_plus_two/")).isEqualTo(new Routes.Hit(
        hpt + "-predict", "half-plus-two.kubeflow:8501", "/v1/models/half_plus_two:predict", 30_000));
    assertThat(routes.match("GET", "/models/half_plus_two/")).isEqualTo(new Routes.Hit(
        hpt + "-status", "half-plus-two.kubeflow:8501", "/v1/models/half_plus_two", 3_000));
    assertThat(routes.match("POST", "/models/half_plus_two/versions/123")).isEqualTo(new Routes.Hit(
        hpt + "-predict-version", "half-plus-two.kubeflow:8501", "/v1/models/half_plus_two/versions/123:predict",
        30_000));
    // The seed's model keeps its REST proxy route.
    assertThat(routes.match("POST", "/models/test/")).isEqualTo(new Routes.Hit(
        "tfserving-mapping-test-post", "test.kubeflow:8000", "/model/test/:predict", 3_000));
    // The dashboard takes what nobody else claims, including GET on the seed model (its mapping is POST only)...
    assertThat(routes.match("GET", "/")).isEqualTo(new Routes.Hit(
        "centralui-mapping", "centraldashboard.kubeflow:80", "/", 3_000));
    assertThat(routes.match("GET", "/models/test/")).isEqualTo(new Routes.Hit(
        "centralui-mapping", "centraldashboard.kubeflow:80", "/models/test/", 3_000));
    // ...and a longer path under a generated model: it reaches the dashboard unchanged, never the model mangled.
    assertThat(routes.match("POST", "/models/half_plus_two/extra")).isEqualTo(new Routes.Hit(
        "centralui-mapping", "centraldashboard.kubeflow:80", "/models/half_plus_two/extra", 3_000));
  }

  @Test
  void notebooksKeepWebSocketsAndTheirLongTimeout() {
    assertThat(routes.match("GET", "/user/alice/api/kernels/1/channels")).isEqualTo(new Routes.Hit(
        "jupyter-lb-user-mapping", "jupyter-lb.kubeflow:80", "/user/alice/api/kernels/1/channels", 300_000));
    Route hub = route("GET", "/hub/login");
    assertThat(hub.mapping().name()).isEqualTo("jupyter-lb-hub-mapping");
    assertThat(hub.mapping().forward().allowUpgrade()).containsExactly("websocket");
    assertThat(hub.timeoutMs()).isEqualTo(300_000);
  }

  private Route route(String method, String path) {
    RouteGroup g = routes.table().match(new RequestView() {
      @Override
      public String method() {
        return method;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String host() {
        return "";
      }

      @Override
      public String header(String lowerCaseName) {
        return null;
      }

      @Override
      public String queryParameter(String name) {
        return null;
      }
    });
    return g.pick(0.0);
  }
}
