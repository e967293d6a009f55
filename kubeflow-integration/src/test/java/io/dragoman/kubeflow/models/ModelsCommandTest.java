package io.dragoman.kubeflow.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.kubeflow.controller.ControllerSettings;
import io.dragoman.kubeflow.controller.Keys;
import io.dragoman.kubeflow.controller.ServiceController;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code models deploy|list|url} against the CRUD mock API server, with the controller running beside it. */
@EnableKubernetesMockClient(crud = true)
class ModelsCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesMockServer server;
  KubernetesClient client;
  private ServiceController controller;

  @BeforeEach
  void start() {
    controller = new ServiceController(client,
        new ControllerSettings(List.of(), "http://kf.test", "test", "kubeflow", Duration.ofMinutes(5)),
        Clock.systemUTC());
    controller.start();
    await().atMost(WAIT).until(controller::synced);
  }

  @AfterEach
  void stop() {
    controller.close();
  }

  /** Plays the ReplicaSet and the kubelet: a pod from the Deployment's template, then its status. */
  private Pod podFor(String namespace, String deployment, String podName) {
    await().atMost(WAIT).until(() ->
        client.apps().deployments().inNamespace(namespace).withName(deployment).get() != null);
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    return client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace(namespace)
        .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
        .withSpec(d.getSpec().getTemplate().getSpec())
        .build()).create();
  }

  private void markReady(String namespace, String podName) {
    client.pods().inNamespace(namespace).withName(podName).editStatus(p -> new PodBuilder(p)
        .withNewStatus().withPhase("Running")
        .addToConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .endStatus().build());
  }

  private static final String[] DEPLOY = {"deploy", "half_plus_two", "--model-base-path", "gs://models/half_plus_two",
      "--namespace", "serving", "--timeout", "60"};

  @Test
  void deployPrintsTheUrlOnceRoutedAndReadyAndIsIdempotent() {
    CompletableFuture<Cli> first = CompletableFuture.supplyAsync(() -> Cli.run(client, DEPLOY));
    podFor("serving", "half-plus-two", "half-plus-two-abc12");
    markReady("serving", "half-plus-two-abc12");

    Cli run = first.join();
    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo("http://kf.test/models/half_plus_two/\n");
    Deployment d = client.apps().deployments().inNamespace("serving").withName("half-plus-two").get();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly(
        "--port=8500", "--rest_api_port=8501", "--model_name=half_plus_two",
        "--model_base_path=gs://models/half_plus_two");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("tensorflow/serving:2.14.1");
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    var sc = d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");

    Cli again = Cli.run(client, DEPLOY);
    assertThat(again).isEqualTo(new Cli(0, "http://kf.test/models/half_plus_two/\n", ""));
    assertThat(client.apps().deployments().inNamespace("serving").list().getItems()).hasSize(1);
    assertThat(client.services().inNamespace("serving").list().getItems()).hasSize(1);
    assertThat(client.services().inNamespace("serving").withName("half-plus-two").get().getMetadata()
        .getAnnotations()).containsEntry(Keys.MANAGED_BY, Keys.MANAGER);
  }

  @Test
  void listAndUrlShowRoutedModels() {
    CompletableFuture<Cli> deploy = CompletableFuture.supplyAsync(() -> Cli.run(client, DEPLOY));
    podFor("serving", "half-plus-two", "half-plus-two-abc12");
    markReady("serving", "half-plus-two-abc12");
    assertThat(deploy.join().code()).isZero();

    assertThat(Cli.run(client, "list")).isEqualTo(new Cli(0,
        "NAMESPACE        SERVICE                  READY   URL\n"
            + "serving          half-plus-two            1/1     http://kf.test/models/half_plus_two/\n", ""));
    assertThat(Cli.run(client, "url", "half_plus_two", "--namespace", "serving"))
        .isEqualTo(new Cli(0, "http://kf.test/models/half_plus_two/\n", ""));
    // Found by model name in another namespace too.
    assertThat(Cli.run(client, "url", "half_plus_two").out()).isEqualTo("http://kf.test/models/half_plus_two/\n");
    assertThat(Cli.run(client, "url", "nope")).isEqualTo(new Cli(1, "", "models: no model nope: no Service nope in"
        + " namespace kubeflow and no routed model of that name elsewhere (`models list` shows them)\n"));
  }

  @Test
  void aModelThatNeverBecomesReadyFailsWithThePodsReason() {
    CompletableFuture<Cli> deploy = CompletableFuture.supplyAsync(() -> Cli.run(client, "deploy", "broken",
        "--model-base-path", "/models/broken", "--image", "tensorflow/serving:no-such-tag", "--timeout", "3"));
    podFor("kubeflow", "broken", "broken-x1");
    client.pods().inNamespace("kubeflow").withName("broken-x1").editStatus(p -> new PodBuilder(p)
        .withNewStatus().withPhase("Pending")
        .addToContainerStatuses(new ContainerStatusBuilder().withName("tf-serving").withReady(false)
            .withNewState().withNewWaiting().withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"tensorflow/serving:no-such-tag\"").endWaiting().endState().build())
        .endStatus().build());

    Cli run = deploy.join();
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("models: model broken in namespace kubeflow is not ready after 3 s: pod broken-x1"
        + " container tf-serving waiting: ImagePullBackOff (Back-off pulling image \"tensorflow/serving:no-such-tag\")\n");
  }

  @Test
  void aBarePathIsCompletedWithTheIngressAddress() {
    // Written as a controller without --public-url would; this Service is no TF Serving, so no controller here.
    controller.close();
    client.services().resource(new ServiceBuilder()
        .withNewMetadata().withName("iris").withNamespace("team-a")
        .addToAnnotations(Keys.MANAGED_BY, Keys.MANAGER).addToAnnotations(Keys.MODEL_URL, "/models/iris/")
        .endMetadata().withNewSpec().endSpec().build()).create();
    assertThat(Cli.run(client, "url", "iris", "--namespace", "team-a").out()).isEqualTo("/models/iris/\n");

    client.network().v1().ingresses().resource(new IngressBuilder()
        .withNewMetadata().withName("dragoman").withNamespace("kubeflow").endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.10").endIngress().endLoadBalancer()
        .endStatus().build()).create();
    assertThat(Cli.run(client, "url", "iris", "--namespace", "team-a"))
        .isEqualTo(new Cli(0, "http://203.0.113.10/models/iris/\n", ""));
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(Cli.run(client, "deploy", "x")).isEqualTo(
        new Cli(2, "", "models: deploy: --model-base-path is required\n"));
    assertThat(Cli.run(client, "deploy", "x", "--model-base-path", "/m", "--replicas", "0")).isEqualTo(
        new Cli(2, "", "models: --replicas: \"0\" (expected: an integer >= 1)\n"));
    assertThat(Cli.run(client, "deploy", "Bad/Name", "--model-base-path", "/m").code()).isEqualTo(2);
    assertThat(Cli.run(client, "frobnicate").err())
        .isEqualTo("models: frobnicate: unknown subcommand (expected: deploy, list or url)\n");
  }
}
