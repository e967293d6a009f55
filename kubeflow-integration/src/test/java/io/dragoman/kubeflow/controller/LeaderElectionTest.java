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
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several replicas against one API server: one Lease, one writer. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  private static final LeaderGate.Timings TIMINGS = LeaderGate.Timings.DEFAULTS;

  KubernetesMockServer server;
  KubernetesClient client;
  private final List<AutoCloseable> closing = new ArrayList<>();

  private record Replica(String identity, ServiceController controller, LeaderGate gate, AtomicInteger lost) {}

  private Replica replica(String identity) {
    KubernetesClient own = server.createClient();
    ControllerSettings settings =
        new ControllerSettings(List.of(), "", identity, "kubeflow", Duration.ofMinutes(5));
    ServiceController controller = new ServiceController(own, settings, Clock.systemUTC());
    AtomicInteger lost = new AtomicInteger();
    LeaderGate gate = new LeaderGate(own, settings, TIMINGS, controller, lost::incrementAndGet);
    closing.add(own);
    closing.add(gate);
    gate.start();
    return new Replica(identity, controller, gate, lost);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
  }

  private Lease lease() {
    return client.leases().inNamespace("kubeflow").withName(ControllerSettings.LEASE_NAME).get();
  }

  @Test
  void onlyTheLeaseHolderWrites() {
    Replica a = replica("replica-a");
    Replica b = replica("replica-b");
    await().atMost(Duration.ofSeconds(20)).until(() -> a.gate().leading() || b.gate().leading());
    client.pods().inNamespace("ns").resource(pod("ns", "m-1", Map.of("app", "m"), officialImage("m"))).create();
    client.services().resource(servingService("ns", "m").build()).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> client.services().inNamespace("ns").withName("m").get()
        .getMetadata().getAnnotations() != null);
    await().atMost(Duration.ofSeconds(20)).until(() -> a.controller().writes() + b.controller().writes() > 0);
    Replica leader = a.gate().leading() ? a : b;
    Replica standby = leader == a ? b : a;
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
    assertThat(leader.controller().writes()).isEqualTo(1);
    assertThat(standby.gate().leading()).isFalse();
    assertThat(standby.controller().writes()).isZero();
    assertThat(standby.controller().synced()).isFalse(); // a standby does not even watch
  }

  @Test
  void losingTheLeaseStopsTheReplica() {
    Replica a = replica("replica-a");
    await().atMost(Duration.ofSeconds(20)).until(() -> a.gate().leading());

    // Another holder takes the Lease (as after a long GC pause or a network partition of this replica).
    // The replica renews concurrently, so the takeover may meet a 409 and is retried, as any writer would.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      client.leases().inNamespace("kubeflow").withName(ControllerSettings.LEASE_NAME).edit(l -> {
        l.getSpec().setHolderIdentity("intruder");
        l.getSpec().setRenewTime(ZonedDateTime.now().plusMinutes(5));
        l.getSpec().setLeaseDurationSeconds(600);
        return l;
      });
      return true;
    });

    await().atMost(Duration.ofSeconds(40)).until(() -> a.lost().get() == 1);
    assertThat(a.gate().leading()).isFalse();
  }
}
