package io.dragoman.kubeflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Renders kustomize/overlays/kubeflow and checks what users would apply: objects, RBAC, pod security. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeflowOverlayTest {
  private static final String IMAGE = "ghcr.io/dragoman/dragoman:0.1.0";
  private List<HasMetadata> objects;

  @BeforeAll
  void render() {
    objects = Kustomize.render("kustomize/overlays/kubeflow");
  }

  private <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  private <T extends HasMetadata> T named(Class<T> kind, String name) {
    List<T> found = all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("%s %s", kind.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  @Test
  void rendersTheGatewayTheIngressAndTheController() {
    assertThat(objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()
        .replaceAll("^(dragoman-params)-[a-z0-9]+$", "$1-<hash>"))).containsExactlyInAnyOrder(
        "ServiceAccount/dragoman", "ClusterRole/dragoman", "ClusterRoleBinding/dragoman",
        "ConfigMap/dragoman-params-<hash>", "Service/dragoman", "Service/dragoman-admin", "Deployment/dragoman",
        "PodDisruptionBudget/dragoman", "HorizontalPodAutoscaler/dragoman", "Ingress/dragoman",
        "ServiceAccount/dragoman-kubeflow", "ClusterRole/dragoman-kubeflow", "ClusterRoleBinding/dragoman-kubeflow",
        "Role/dragoman-kubeflow-leader-election", "RoleBinding/dragoman-kubeflow-leader-election",
        "Deployment/dragoman-kubeflow");
    // Kubeflow's own namespace: never created (or deleted with the overlay) here.
    assertThat(all(Namespace.class)).isEmpty();
    for (HasMetadata o : objects) {
      if (o instanceof ClusterRole || o instanceof ClusterRoleBinding) continue;
      assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
          .isEqualTo("kubeflow");
    }
  }

  @Test
  void oneIngressSendsEverythingToTheGatewayService() {
    Ingress ingress = named(Ingress.class, "dragoman");
    assertThat(ingress.getApiVersion()).isEqualTo("networking.k8s.io/v1");
    assertThat(ingress.getSpec().getRules()).hasSize(1);
    List<HTTPIngressPath> paths = ingress.getSpec().getRules().get(0).getHttp().getPaths();
    assertThat(paths).hasSize(1);
    assertThat(paths.get(0).getPath()).isEqualTo("/");
    assertThat(paths.get(0).getPathType()).isEqualTo("Prefix");
    assertThat(paths.get(0).getBackend().getService().getName()).isEqualTo("dragoman");
    assertThat(paths.get(0).getBackend().getService().getPort().getNumber()).isEqualTo(80);
    Service gateway = named(Service.class, "dragoman");
    assertThat(gateway.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(80));
  }

  private record Grant(String group, String resource, String verb, List<String> names) {}

  private static List<Grant> grants(List<PolicyRule> rules) {
    List<Grant> out = new ArrayList<>();
    for (PolicyRule r : rules) {
      assertThat(r.getNonResourceURLs()).isEmpty();
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) out.add(new Grant(g, res, v, r.getResourceNames()));
        }
      }
    }
    return out;
  }

  @Test
  void controllerRbacIsLeastPrivilege() {
    assertThat(grants(named(ClusterRole.class, "dragoman-kubeflow").getRules())).containsExactlyInAnyOrder(
        new Grant("", "services", "get", List.of()),
        new Grant("", "services", "list", List.of()),
        new Grant("", "services", "watch", List.of()),
        new Grant("", "services", "patch", List.of()),
        new Grant("", "pods", "get", List.of()),
        new Grant("", "pods", "list", List.of()),
        new Grant("", "pods", "watch", List.of()),
        new Grant("", "events", "create", List.of()),
        new Grant("", "events", "patch", List.of()));
    Role leases = named(Role.class, "dragoman-kubeflow-leader-election");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo("kubeflow");
    assertThat(grants(leases.getRules())).containsExactlyInAnyOrder(
        new Grant("coordination.k8s.io", "leases", "create", List.of()),
        new Grant("coordination.k8s.io", "leases", "get", List.of("dragoman-kubeflow")),
        new Grant("coordination.k8s.io", "leases", "update", List.of("dragoman-kubeflow")),
        new Grant("coordination.k8s.io", "leases", "patch", List.of("dragoman-kubeflow")));
    // The gateway's own role is untouched: read-only Services.
    assertThat(grants(named(ClusterRole.class, "dragoman").getRules())).containsExactlyInAnyOrder(
        new Grant("", "services", "get", List.of()),
        new Grant("", "services", "list", List.of()),
        new Grant("", "services", "watch", List.of()));
  }

  @Test
  void controllerRolesAreBoundToItsOwnAccountOnly() {
    Subject account = new Subject(null, "ServiceAccount", "dragoman-kubeflow", "kubeflow");
    ClusterRoleBinding cluster = named(ClusterRoleBinding.class, "dragoman-kubeflow");
    assertThat(cluster.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(cluster.getRoleRef().getName()).isEqualTo("dragoman-kubeflow");
    assertThat(cluster.getSubjects()).containsExactly(account);
    RoleBinding role = named(RoleBinding.class, "dragoman-kubeflow-leader-election");
    assertThat(role.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(role.getRoleRef().getName()).isEqualTo("dragoman-kubeflow-leader-election");
    assertThat(role.getSubjects()).containsExactly(account);
    named(ServiceAccount.class, "dragoman-kubeflow");
    assertThat(named(Deployment.class, "dragoman-kubeflow").getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("dragoman-kubeflow");
  }

  @Test
  void controllerRunsTheKubeflowJarWithItsParameters() {
    Deployment d = named(Deployment.class, "dragoman-kubeflow");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    ConfigMap params = all(ConfigMap.class).get(0);

    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(c.getImage()).isEqualTo(IMAGE);
    assertThat(c.getCommand()).containsExactly("java", "-jar", "/app/dragoman-kubeflow.jar");
    assertThat(c.getArgs()).containsExactly("controller", "--health-port", "8081");
    assertThat(params.getData()).containsEntry("DRAGOMAN_PUBLIC_URL", "")
        .containsEntry("DRAGOMAN_KUBEFLOW_CONTROLLER_REPLICAS", "2")
        .containsEntry("AMBASSADOR_ID", "default"); // merged into the base's, not replacing it
    EnvVar url = env(c, "DRAGOMAN_PUBLIC_URL");
    assertThat(url.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo(params.getMetadata().getName());
    assertThat(env(c, "POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    assertThat(env(c, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(c.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("health");
      assertThat(p.getContainerPort()).isEqualTo(8081);
    });
    assertProbe(c.getLivenessProbe(), "/healthz");
    assertProbe(c.getStartupProbe(), "/healthz");
    assertProbe(c.getReadinessProbe(), "/readyz");
    // Its pods are not selected by the gateway's Services or disruption budget.
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    for (Service s : all(Service.class)) {
      assertThat(podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
          .as("Service %s selects the controller's pods", s.getMetadata().getName()).isFalse();
    }
  }

  private static EnvVar env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  private static void assertProbe(Probe p, String path) {
    assertThat(p).isNotNull();
    assertThat(p.getHttpGet().getPath()).isEqualTo(path);
    assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("health");
  }

  @Test
  void everyPodIsHardened() {
    for (Deployment d : all(Deployment.class)) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      for (Container c : containers) {
        String what = d.getMetadata().getName() + " container " + c.getName();
        SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
        assertThat(first(sc.getRunAsNonRoot(), podContext.getRunAsNonRoot())).as(what + " runAsNonRoot").isTrue();
        assertThat(first(sc.getRunAsUser(), podContext.getRunAsUser())).as(what + " runAsUser").isEqualTo(10001L);
        assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
        assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
        Capabilities caps = Optional.ofNullable(sc.getCapabilities()).orElseGet(Capabilities::new);
        assertThat(caps.getDrop()).as(what + " drop").containsExactly("ALL");
        assertThat(caps.getAdd()).as(what + " add").isEmpty();
        assertThat(first(sc.getSeccompProfile(), podContext.getSeccompProfile()).getType()).as(what + " seccomp")
            .isEqualTo("RuntimeDefault");
        assertThat(c.getImage()).as(what + " image").isEqualTo(IMAGE);
        assertThat(c.getLivenessProbe()).as(what + " liveness").isNotNull();
        assertThat(c.getReadinessProbe()).as(what + " readiness").isNotNull();
        assertThat(c.getResources().getLimits()).as(what + " memory limit").containsKey("memory");
      }
      assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    }
  }

  private static <T> T first(T container, T pod) {
    return container != null ? container : pod;
  }
}
