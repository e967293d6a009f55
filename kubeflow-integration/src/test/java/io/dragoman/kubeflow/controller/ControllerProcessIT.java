package io.dragoman.kubeflow.controller;

import static io.dragoman.kubeflow.controller.K8s.officialImage;
import static io.dragoman.kubeflow.controller.K8s.pod;
import static io.dragoman.kubeflow.controller.K8s.servingService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as a process: `controller` against the mock API server, health, SIGTERM and leader loss. */
@EnableKubernetesMockClient(crud = true)
class ControllerProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path JAR = Path.of("target/dragoman-kubeflow.jar");

  KubernetesMockServer server;
  KubernetesClient client;
  private Process process;
  private int healthPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private File log;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) process.destroyForcibly();
    // The process's own log, for whoever reads the failsafe report of a failure.
    if (log != null) System.err.println(Files.readString(log.toPath()));
  }

  private void startController() throws Exception {
    assertThat(JAR).as("the shaded jar (mvn package)").isRegularFile();
    try (ServerSocket s = new ServerSocket(0)) {
      healthPort = s.getLocalPort();
    }
    log = Files.createTempFile("controller", ".log").toFile();
    log.deleteOnExit();
    process = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dkubernetes.master=" + client.getConfiguration().getMasterUrl(),
        "-Dkubernetes.trust.certificates=true",
        "-Dkubernetes.auth.tryKubeConfig=false",
        "-Dkubernetes.auth.tryServiceAccount=false",
        "-jar", JAR.toString(),
        "controller", "--lease-namespace", "kubeflow", "--identity", "proc-1", "--public-url", "http://kf.test",
        "--health-port", String.valueOf(healthPort), "--health-address", "127.0.0.1"))
        .redirectErrorStream(true).redirectOutput(log).start();
  }

  private int health(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private Lease lease() {
    return client.leases().inNamespace("kubeflow").withName(ControllerSettings.LEASE_NAME).get();
  }

  @Test
  void routesAServiceThenExitsZeroOnSigtermReleasingTheLease() throws Exception {
    startController();
    await().atMost(WAIT).until(() -> health("/readyz") == 200 && lease() != null);
    assertThat(health("/healthz")).isEqualTo(200);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("proc-1");

    client.pods().inNamespace("ns").resource(pod("ns", "m-1", Map.of("app", "m"), officialImage("m"))).create();
    client.services().resource(servingService("ns", "m").build()).create();
    await().atMost(WAIT).until(() -> client.services().inNamespace("ns").withName("m").get().getMetadata()
        .getAnnotations().containsKey(Keys.MODEL_URL));
    assertThat(client.services().inNamespace("ns").withName("m").get().getMetadata().getAnnotations())
        .containsEntry(Keys.MODEL_URL, "http://kf.test/models/m/");

    process.destroy(); // SIGTERM
    await().atMost(WAIT).until(() -> !process.isAlive());
    assertThat(process.exitValue()).isZero();
    // Released as fabric8 releases: a one-second lease renewed just now, so a standby takes over at its next try.
    assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(1);
  }

  @Test
  void exitsNonZeroWhenTheLeaseIsLost() throws Exception {
    startController();
    await().atMost(WAIT).until(() -> lease() != null && "proc-1".equals(lease().getSpec().getHolderIdentity()));

    await().atMost(WAIT).ignoreExceptions().until(() -> {
      client.leases().inNamespace("kubeflow").withName(ControllerSettings.LEASE_NAME).edit(l -> {
        l.getSpec().setHolderIdentity("intruder");
        l.getSpec().setRenewTime(ZonedDateTime.now().plusMinutes(5));
        l.getSpec().setLeaseDurationSeconds(600);
        return l;
      });
      return true;
    });

    await().atMost(WAIT).until(() -> !process.isAlive());
    assertThat(process.exitValue()).isEqualTo(1);
  }
}
