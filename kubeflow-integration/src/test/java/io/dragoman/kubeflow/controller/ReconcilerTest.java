package io.dragoman.kubeflow.controller;

import static io.dragoman.kubeflow.controller.K8s.kubeflowStyle;
import static io.dragoman.kubeflow.controller.K8s.officialImage;
import static io.dragoman.kubeflow.controller.K8s.plain;
import static io.dragoman.kubeflow.controller.K8s.pod;
import static io.dragoman.kubeflow.controller.K8s.port;
import static io.dragoman.kubeflow.controller.K8s.service;
import static io.dragoman.kubeflow.controller.K8s.servingService;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private final Reconciler reconciler = new Reconciler("https://kf.example.com/");

  private static List<Pod> pods(String ns, String app, Container c) {
    return List.of(pod(ns, app + "-abc", Map.of("app", app), c));
  }

  private static Routes routes(Service s, Decision d) {
    return Routes.of(Map.of(s.getMetadata().getName() + "." + s.getMetadata().getNamespace(),
        d.annotations().get(Keys.AMBASSADOR_CONFIG)));
  }

  @Test
  void officialImageGetsTheSixRoutesOfTheTable() {
    Service s = servingService("models", "hpt").build();
    Decision d = reconciler.reconcile(s, pods("models", "hpt", officialImage("half_plus_two")));

    assertThat(d.action()).isEqualTo(Decision.Action.APPLY);
    assertThat(d.annotations()).containsEntry(Keys.MANAGED_BY, "kubeflow-integration")
        .containsEntry(Keys.MODEL_URL, "https://kf.example.com/models/half_plus_two/");
    assertThat(d.notice()).contains(new Notice("Normal", "Routed", "routed half_plus_two at"
        + " https://kf.example.com/models/half_plus_two/ (upstream hpt.models:8501)"));
    Routes routes = routes(s, d);
    assertThat(routes.table().errors()).isEmpty();
    String n = "tfserving-models-hpt-half_plus_two";
    assertThat(routes.mappings()).extracting(Mapping::name).containsExactly(
        n + "-predict", n + "-predict-version", n + "-classify", n + "-regress", n + "-status", n + "-metadata");
    assertThat(routes.mappings()).allSatisfy(m -> {
      assertThat(m.namespace()).isEqualTo("models");
      assertThat(m.service().authority()).isEqualTo("hpt.models:8501");
    });

    String up = "hpt.models:8501";
    assertThat(routes.match("POST", "/models/half_plus_two/"))
        .isEqualTo(new Routes.Hit(n + "-predict", up, "/v1/models/half_plus_two:predict", 30_000));
    assertThat(routes.match("POST", "/models/half_plus_two"))
        .isEqualTo(new Routes.Hit(n + "-predict", up, "/v1/models/half_plus_two:predict", 30_000));
    assertThat(routes.match("POST", "/models/half_plus_two/versions/123/")).isEqualTo(new Routes.Hit(
        n + "-predict-version", up, "/v1/models/half_plus_two/versions/123:predict", 30_000));
    assertThat(routes.match("POST", "/models/half_plus_two/versions/7")).isEqualTo(new Routes.Hit(
        n + "-predict-version", up, "/v1/models/half_plus_two/versions/7:predict", 30_000));
    assertThat(routes.match("POST", "/models/half_plus_two/classify"))
        .isEqualTo(new Routes.Hit(n + "-classify", up, "/v1/models/half_plus_two:classify", 30_000));
    assertThat(routes.match("POST", "/models/half_plus_two/regress"))
        .isEqualTo(new Routes.Hit(n + "-regress", up, "/v1/models/half_plus_two:regress", 30_000));
    assertThat(routes.match("GET", "/models/half_plus_two/"))
        .isEqualTo(new Routes.Hit(n + "-status", up, "/v1/models/half_plus_two", 3_000));
    assertThat(routes.match("GET", "/models/half_plus_two"))
        .isEqualTo(new Routes.Hit(n + "-status", up, "/v1/models/half_plus_two", 3_000));
    assertThat(routes.match("GET", "/models/half_plus_two/metadata"))
        .isEqualTo(new Routes.Hit(n + "-metadata", up, "/v1/models/half_plus_two/metadata", 3_000));
  }

  @Test
  void nothingLongerUnderTheModelIsRouted() {
    Service s = servingService("models", "hpt").build();
    Routes routes = routes(s, reconciler.reconcile(s, pods("models", "hpt", officialImage("half_plus_two"))));

    for (String path : List.of("/models/half_plus_two/extra", "/models/half_plus_two/classify/x",
        "/models/half_plus_two/versions/", "/models/half_plus_two/versions/1/x", "/models/half_plus_two/versions/a",
        "/models/half_plus_two/metadata/x", "/models/half_plus_two//", "/models/half_plus_twox",
        "/models/half_plus_two/:predict", "/models/half_plus_two/labels/prod")) {
      assertThat(routes.match("POST", path)).as("POST %s", path).isNull();
      assertThat(routes.match("GET", path)).as("GET %s", path).isNull();
    }
    assertThat(routes.match("PUT", "/models/half_plus_two/")).isNull();
    assertThat(routes.match("GET", "/models/half_plus_two/classify")).isNull();
    assertThat(routes.match("POST", "/models/half_plus_two/metadata")).isNull();
  }

  @Test
  void dotsInAModelNameMatchOnlyDots() {
    Service s = servingService("ns", "m").build();
    Routes routes = routes(s, reconciler.reconcile(s, pods("ns", "m", officialImage("v1.2"))));

    assertThat(routes.match("POST", "/models/v1.2/").path()).isEqualTo("/v1/models/v1.2:predict");
    assertThat(routes.match("POST", "/models/v1x2/")).isNull();
    assertThat(routes.match("POST", "/models/v1x2/versions/3")).isNull();
  }

  @Test
  void modelNameComesFromAnnotationThenArgThenEnvThenDefault() {
    Container argAndEnv = new ContainerBuilder(kubeflowStyle("from-arg"))
        .addNewEnv().withName("MODEL_NAME").withValue("from-env").endEnv().build();
    Service annotated = servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.MODEL_NAME, " a , b,a ").endMetadata().build();
    Service bare = servingService("ns", "m").build();

    assertThat(urls(annotated, argAndEnv)).isEqualTo("https://kf.example.com/models/a/,https://kf.example.com/models/b/");
    assertThat(urls(bare, argAndEnv)).isEqualTo("https://kf.example.com/models/from-arg/");
    assertThat(urls(bare, officialImage("from-env"))).isEqualTo("https://kf.example.com/models/from-env/");
    assertThat(urls(bare, officialImage(null))).isEqualTo("https://kf.example.com/models/model/");
  }

  private String urls(Service s, Container c) {
    Decision d = reconciler.reconcile(s, pods("ns", "m", c));
    assertThat(d.action()).isEqualTo(Decision.Action.APPLY);
    return d.annotations().get(Keys.MODEL_URL);
  }

  @Test
  void twoAnnotatedModelsGetRoutesEach() {
    Service s = servingService("ns", "m").editMetadata().addToAnnotations(Keys.MODEL_NAME, "a,b").endMetadata()
        .build();
    Routes routes = routes(s, reconciler.reconcile(s, pods("ns", "m", officialImage(null))));

    assertThat(routes.mappings()).hasSize(12);
    assertThat(routes.match("POST", "/models/a/").path()).isEqualTo("/v1/models/a:predict");
    assertThat(routes.match("POST", "/models/b/").path()).isEqualTo("/v1/models/b:predict");
  }

  @Test
  void kubeflowConventionRoutesToTheServicePortReachingRestPort8500() {
    Service s = service("kubeflow", "mnist", Map.of("app", "mnist"),
        port("grpc-tf-serving", 9000, 9000), port("tf-serving-rest", 8500, 8500)).build();
    Decision d = reconciler.reconcile(s, pods("kubeflow", "mnist", kubeflowStyle("mnist")));

    Routes.Hit hit = routes(s, d).match("POST", "/models/mnist/");
    assertThat(hit.upstream()).isEqualTo("mnist.kubeflow:8500");
    assertThat(hit.path()).isEqualTo("/v1/models/mnist:predict");
  }

  @Test
  void restPortFollowsNamedAndNumberedTargetPorts() {
    Service named = service("ns", "m", Map.of("app", "m"), port("web", 80, "http")).build();
    Service renumbered = service("ns", "m", Map.of("app", "m"), port("a", 9000, 8500), port("b", 80, 8501)).build();
    Service byName = service("ns", "m", Map.of("app", "m"), port("grpc", 9000, 9000), port("rest", 7000, 7001))
        .build();
    Service none = service("ns", "m", Map.of("app", "m"), port("grpc", 9000, 9000)).build();
    Optional<ServingContainer> official = ServingContainer.of(officialImage("x"));

    assertThat(Reconciler.restPort(named, official)).isEqualTo(80);
    assertThat(Reconciler.restPort(renumbered, official)).isEqualTo(80);
    assertThat(Reconciler.restPort(byName, official)).isEqualTo(7000);
    assertThat(Reconciler.restPort(none, official)).isEqualTo(8501);
  }

  @Test
  void imagesAndBinariesAreRecognised() {
    for (String image : List.of("tensorflow/serving", "tensorflow/serving:2.14.1-gpu", "docker.io/tensorflow/serving",
        "mirror.example.com:5000/ml/tensorflow/serving:latest", "tensorflow/serving-gpu",
        "tensorflow/serving@sha256:0123abcd")) {
      assertThat(ServingContainer.of(plain(image))).as(image).isPresent();
    }
    for (String image : List.of("nginx", "tensorflow/tensorflow:2.14.0", "my/tensorflow/serving-proxy",
        "tensorflow/servingx")) {
      assertThat(ServingContainer.of(plain(image))).as(image).isEmpty();
    }
    Container shell = new ContainerBuilder(plain("ubuntu")).withCommand("sh", "-c")
        .withArgs("exec tensorflow_model_server --rest_api_port=9001 --model_name=shell").build();
    assertThat(ServingContainer.of(shell)).hasValueSatisfying(c -> {
      assertThat(c.restPort()).hasValue(9001);
      assertThat(c.modelNameArg()).contains("shell");
    });
  }

  @Test
  void optInLabelRoutesANonTfServiceWithItsAnnotatedName() {
    Service s = servingService("ns", "proxy").editMetadata()
        .addToLabels(Keys.TF_SERVING_LABEL, "true").addToAnnotations(Keys.MODEL_NAME, "iris").endMetadata().build();
    Decision d = reconciler.reconcile(s, pods("ns", "proxy", plain("example/tf-proxy:1")));

    assertThat(d.action()).isEqualTo(Decision.Action.APPLY);
    assertThat(routes(s, d).match("POST", "/models/iris/").upstream()).isEqualTo("proxy.ns:8501");
  }

  @Test
  void optOutRemovesOwnedAnnotationsAndLeavesOthersAlone() {
    Service owned = servingService("ns", "m").editMetadata().addToLabels(Keys.TF_SERVING_LABEL, "false")
        .addToAnnotations(Keys.MANAGED_BY, Keys.MANAGER).addToAnnotations(Keys.AMBASSADOR_CONFIG, "x").endMetadata()
        .build();
    Service foreign = servingService("ns", "m").editMetadata().addToLabels(Keys.TF_SERVING_LABEL, "false")
        .addToAnnotations(Keys.AMBASSADOR_CONFIG, "x").endMetadata().build();

    assertThat(reconciler.reconcile(owned, pods("ns", "m", officialImage("a")))).isEqualTo(new Decision(
        Decision.Action.REMOVE, Map.of(), Optional.of(new Notice("Normal", "RoutesRemoved",
            "removed the model routes: the Service is labelled dragoman.io/tf-serving=false"))));
    assertThat(reconciler.reconcile(foreign, pods("ns", "m", officialImage("a")))).isEqualTo(Decision.leave());
  }

  @Test
  void aServiceThatStopsBeingTfServingLosesItsRoutes() {
    Service owned = servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.MANAGED_BY, Keys.MANAGER).addToAnnotations(Keys.AMBASSADOR_CONFIG, "x").endMetadata()
        .build();

    Decision d = reconciler.reconcile(owned, pods("ns", "m", plain("nginx:1.27")));
    assertThat(d.action()).isEqualTo(Decision.Action.REMOVE);
    assertThat(d.notice().get().message()).isEqualTo(
        "removed the model routes: the Service's pods no longer run TensorFlow Serving");
    assertThat(reconciler.reconcile(servingService("ns", "m").build(), List.of())).isEqualTo(Decision.leave());
  }

  @Test
  void aServiceWithoutPodsKeepsItsRoutes() {
    Service owned = servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.MANAGED_BY, Keys.MANAGER).addToAnnotations(Keys.AMBASSADOR_CONFIG, "x").endMetadata()
        .build();
    assertThat(reconciler.reconcile(owned, List.of())).isEqualTo(Decision.leave());
  }

  @Test
  void aForeignConfigIsNeverOverwritten() {
    Service s = servingService("ns", "m").editMetadata()
        .addToAnnotations(Keys.AMBASSADOR_CONFIG, "---\nkind: Mapping\n").endMetadata().build();

    Decision d = reconciler.reconcile(s, pods("ns", "m", officialImage("a")));
    assertThat(d.action()).isEqualTo(Decision.Action.LEAVE);
    assertThat(d.notice().get().type()).isEqualTo("Warning");
    assertThat(d.notice().get().reason()).isEqualTo("ForeignConfig");
  }

  @Test
  void unsafeModelNamesAreRefused() {
    for (String name : List.of("../etc", "a/b", "a:predict", "x..y", "bad\nname", "-x", "a b")) {
      Service s = servingService("ns", "m").editMetadata().addToAnnotations(Keys.MODEL_NAME, name).endMetadata()
          .build();
      Decision d = reconciler.reconcile(s, pods("ns", "m", officialImage(null)));
      assertThat(d.action()).as(name).isEqualTo(Decision.Action.LEAVE);
      assertThat(d.notice().get().reason()).as(name).isEqualTo("UnsafeModelName");
      assertThat(d.notice().get().message()).as(name).doesNotContain("\n");
    }
    Service owned = servingService("ns", "m").editMetadata().addToAnnotations(Keys.MODEL_NAME, "a/b")
        .addToAnnotations(Keys.MANAGED_BY, Keys.MANAGER).endMetadata().build();
    Decision d = reconciler.reconcile(owned, pods("ns", "m", officialImage(null)));
    assertThat(d.action()).isEqualTo(Decision.Action.REMOVE);
    assertThat(d.notice().get().message()).isEqualTo("model name: \"a/b\" (expected: letters, digits, '.', '_' or '-',"
        + " at most 128, starting with a letter or digit; no '/', ':' or control characters); no route written");
  }

  @Test
  void modelConfigFileNeedsTheAnnotation() {
    Container c = new ContainerBuilder(plain("tensorflow/serving:2.14.1"))
        .withArgs("--model_config_file=/config/models.config").build();
    Decision d = reconciler.reconcile(servingService("ns", "m").build(), pods("ns", "m", c));

    assertThat(d.action()).isEqualTo(Decision.Action.LEAVE);
    assertThat(d.notice().get().reason()).isEqualTo("ModelNameRequired");
  }

  @Test
  void timeoutAnnotationSetsThePredictionTimeout() {
    Service s = servingService("ns", "m").editMetadata().addToAnnotations(Keys.TIMEOUT_MS, "120000").endMetadata()
        .build();
    Routes routes = routes(s, reconciler.reconcile(s, pods("ns", "m", officialImage("a"))));
    assertThat(routes.match("POST", "/models/a/").timeoutMs()).isEqualTo(120_000);

    Service bad = servingService("ns", "m").editMetadata().addToAnnotations(Keys.TIMEOUT_MS, "3s").endMetadata()
        .build();
    Decision d = reconciler.reconcile(bad, pods("ns", "m", officialImage("a")));
    assertThat(d.notice()).contains(new Notice("Warning", "InvalidTimeout",
        "dragoman.io/timeout-ms: \"3s\" (expected: integer milliseconds)"));
  }

  @Test
  void withoutAPublicUrlTheUrlIsThePath() {
    Decision d = new Reconciler("").reconcile(servingService("ns", "m").build(), pods("ns", "m", officialImage("a")));
    assertThat(d.annotations()).containsEntry(Keys.MODEL_URL, "/models/a/");
  }
}
