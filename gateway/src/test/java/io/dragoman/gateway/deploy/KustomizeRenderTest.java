package io.dragoman.gateway.deploy;

import static io.dragoman.gateway.deploy.GatewayPod.configMapKeyRefs;
import static io.dragoman.gateway.deploy.GatewayPod.containerPort;
import static io.dragoman.gateway.deploy.GatewayPod.deployment;
import static io.dragoman.gateway.deploy.GatewayPod.env;
import static io.dragoman.gateway.deploy.GatewayPod.envValue;
import static io.dragoman.gateway.deploy.GatewayPod.gatewayContainer;
import static io.dragoman.gateway.deploy.GatewayPod.podSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Renders each overlay with kubectl kustomize and checks the objects users would apply. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KustomizeRenderTest {

  private static final String STANDALONE = "standalone";
  private static final String SINGLE_NAMESPACE = "standalone-single-namespace";
  private static final String NAMESPACE = "dragoman";
  private static final String IMAGE = "ghcr.io/dragoman/dragoman:0.1.0";
  private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  /** The gateway's bound on finishing in-flight requests after the drain delay. */
  private static final int IN_FLIGHT_BOUND_SECONDS = 30;

  private final Map<String, RenderedObjects> rendered = new HashMap<>();

  @BeforeAll
  void render() {
    Path root = RepoRoot.find();
    for (String overlay : List.of(STANDALONE, SINGLE_NAMESPACE)) {
      rendered.put(overlay, RenderedObjects.parse(overlay, Kubectl.kustomize(root, overlay)));
    }
  }

  @Test
  void standaloneRendersTheGatewayWithClusterWideRead() {
    assertThat(kindsAndNames(rendered.get(STANDALONE))).containsExactlyInAnyOrder(
        "Namespace/dragoman",
        "ServiceAccount/dragoman",
        "ClusterRole/dragoman",
        "ClusterRoleBinding/dragoman",
        "ConfigMap/dragoman-params-<hash>",
        "Service/dragoman",
        "Service/dragoman-admin",
        "Deployment/dragoman",
        "PodDisruptionBudget/dragoman",
        "HorizontalPodAutoscaler/dragoman");
  }

  @Test
  void singleNamespaceReplacesClusterRbacWithANamespacedRole() {
    assertThat(kindsAndNames(rendered.get(SINGLE_NAMESPACE))).containsExactlyInAnyOrder(
        "Namespace/dragoman",
        "ServiceAccount/dragoman",
        "Role/dragoman",
        "RoleBinding/dragoman",
        "ConfigMap/dragoman-params-<hash>",
        "Service/dragoman",
        "Service/dragoman-admin",
        "Deployment/dragoman",
        "PodDisruptionBudget/dragoman",
        "HorizontalPodAutoscaler/dragoman");
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void rbacGrantsExactlyGetListWatchOnServices(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    List<List<PolicyRule>> ruleSets = new ArrayList<>();
    r.all(ClusterRole.class).forEach(role -> ruleSets.add(role.getRules()));
    r.all(Role.class).forEach(role -> ruleSets.add(role.getRules()));

    assertThat(ruleSets).as("roles in %s", overlay).hasSize(1);
    List<PolicyRule> rules = ruleSets.get(0);
    assertThat(rules).hasSize(1);
    PolicyRule rule = rules.get(0);
    assertThat(rule.getApiGroups()).containsExactly("");
    assertThat(rule.getResources()).containsExactly("services");
    assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(rule.getResourceNames()).isEmpty();
    assertThat(rule.getNonResourceURLs()).isEmpty();
  }

  @Test
  void standaloneBindsTheClusterRoleToTheGatewayServiceAccount() {
    RenderedObjects r = rendered.get(STANDALONE);
    ClusterRoleBinding binding = r.only(ClusterRoleBinding.class);
    ClusterRole role = r.only(ClusterRole.class);

    assertRoleRef(binding.getRoleRef(), "ClusterRole", role.getMetadata().getName());
    assertSubjectIsGatewayAccount(r, binding.getSubjects());
    assertThat(r.all(Role.class)).isEmpty();
    assertThat(r.all(RoleBinding.class)).isEmpty();
  }

  @Test
  void singleNamespaceBindsTheRoleInTheGatewayNamespace() {
    RenderedObjects r = rendered.get(SINGLE_NAMESPACE);
    RoleBinding binding = r.only(RoleBinding.class);
    Role role = r.only(Role.class);

    assertRoleRef(binding.getRoleRef(), "Role", role.getMetadata().getName());
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertSubjectIsGatewayAccount(r, binding.getSubjects());
    assertThat(r.all(ClusterRole.class)).isEmpty();
    assertThat(r.all(ClusterRoleBinding.class)).isEmpty();
  }

  @Test
  void singleNamespaceModeIsOnOnlyInItsOverlay() {
    assertThat(envValue(rendered.get(SINGLE_NAMESPACE), "AMBASSADOR_SINGLE_NAMESPACE")).hasValue("true");
    assertThat(envValue(rendered.get(STANDALONE), "AMBASSADOR_SINGLE_NAMESPACE")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void everyContainerRunsRestricted(String overlay) {
    PodSpec pod = podSpec(rendered.get(overlay));
    PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
    List<Container> containers = new ArrayList<>(pod.getContainers());
    containers.addAll(pod.getInitContainers());

    assertThat(containers).isNotEmpty();
    for (Container c : containers) {
      SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElseGet(SecurityContext::new);
      String what = overlay + " container " + c.getName();
      assertThat(either(sc.getRunAsNonRoot(), podContext.getRunAsNonRoot())).as(what + " runAsNonRoot").isTrue();
      assertThat(either(sc.getRunAsUser(), podContext.getRunAsUser())).as(what + " runAsUser").isEqualTo(10001L);
      assertThat(either(sc.getRunAsGroup(), podContext.getRunAsGroup())).as(what + " runAsGroup").isEqualTo(10001L);
      assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
      assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
      Capabilities caps = Optional.ofNullable(sc.getCapabilities()).orElseGet(Capabilities::new);
      assertThat(caps.getDrop()).as(what + " capabilities.drop").containsExactly("ALL");
      assertThat(caps.getAdd()).as(what + " capabilities.add").isEmpty();
      SeccompProfile seccomp = either(sc.getSeccompProfile(), podContext.getSeccompProfile());
      assertThat(seccomp).as(what + " seccompProfile").isNotNull();
      assertThat(seccomp.getType()).as(what + " seccompProfile.type").isEqualTo("RuntimeDefault");
    }
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    // The gateway watches Services with the account's token.
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void probesHitTheAdminEndpoints(String overlay) {
    Container c = gatewayContainer(rendered.get(overlay));

    assertHttpProbe(c, c.getLivenessProbe(), "/ambassador/v0/check_alive");
    assertHttpProbe(c, c.getReadinessProbe(), "/ambassador/v0/check_ready");
    assertHttpProbe(c, c.getStartupProbe(), "/ambassador/v0/check_alive");
    // Startup may take a while (first complete list of Services); liveness must not kill a pod that is starting.
    Probe startup = c.getStartupProbe();
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(60);
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void servicesExposeThePublicAndAdminListeners(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    Container c = gatewayContainer(r);
    Map<String, String> podLabels = deployment(r).getSpec().getTemplate().getMetadata().getLabels();

    Service pub = r.named(Service.class, "dragoman");
    Service admin = r.named(Service.class, "dragoman-admin");
    assertThat(pub.getSpec().getPorts()).hasSize(1);
    assertThat(admin.getSpec().getPorts()).hasSize(1);
    ServicePort http = pub.getSpec().getPorts().get(0);
    ServicePort adm = admin.getSpec().getPorts().get(0);
    assertThat(http.getPort()).isEqualTo(80);
    assertThat(containerPort(c, http.getTargetPort())).isEqualTo(8080);
    assertThat(adm.getPort()).isEqualTo(8877);
    assertThat(containerPort(c, adm.getTargetPort())).isEqualTo(8877);
    for (Service s : List.of(pub, admin)) {
      assertSelects(s.getSpec().getSelector(), podLabels, "Service " + s.getMetadata().getName());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void imageIsRewrittenByTheOverlay(String overlay) {
    assertThat(podSpec(rendered.get(overlay)).getContainers())
        .extracting(Container::getImage)
        .containsExactly(IMAGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void everyNamespacedObjectIsInNamespaceDragoman(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    for (HasMetadata o : r.objects()) {
      String what = o.getKind() + "/" + o.getMetadata().getName();
      if (RenderedObjects.CLUSTER_SCOPED.contains(o.getClass())) {
        assertThat(o.getMetadata().getNamespace()).as(what).isNull();
      } else {
        assertThat(o.getMetadata().getNamespace()).as(what).isEqualTo(NAMESPACE);
      }
    }
    assertThat(r.only(Namespace.class).getMetadata().getName()).isEqualTo(NAMESPACE);
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void everyObjectCarriesTheCommonLabels(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    Map<String, String> common = Map.of("app.kubernetes.io/name", "dragoman", "app.kubernetes.io/part-of", "dragoman");
    for (HasMetadata o : r.objects()) {
      assertThat(o.getMetadata().getLabels()).as(o.getKind() + "/" + o.getMetadata().getName())
          .containsAllEntriesOf(common);
    }
    Deployment d = deployment(r);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(common);
    // Selectors are immutable: only the stable name and component labels belong in them.
    assertThat(d.getSpec().getSelector().getMatchLabels()).containsOnly(
        Map.entry("app.kubernetes.io/name", "dragoman"), Map.entry("app.kubernetes.io/component", "gateway"));
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void parametersReachTheEnvironment(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    Map<String, String> expected = Map.of(
        "AMBASSADOR_ID", "default",
        "DRAGOMAN_ACCESS_LOG", "text",
        "DRAGOMAN_DRAIN_SECONDS", "5",
        "DRAGOMAN_KUBERNETES", "true",
        "DRAGOMAN_PORT", "8080",
        "DRAGOMAN_ADMIN_PORT", "8877",
        "DRAGOMAN_ADMIN_ADDRESS", "0.0.0.0");
    expected.forEach((name, value) -> assertThat(envValue(r, name)).as(overlay + " env " + name).hasValue(value));
    assertThat(envValue(r, "AMBASSADOR_LABEL_SELECTOR")).as("no label selector by default").isEmpty();

    EnvVar namespace = env(gatewayContainer(r), "AMBASSADOR_NAMESPACE").orElseGet(() -> fail("no AMBASSADOR_NAMESPACE"));
    assertThat(namespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    // The ConfigMap-backed values come from the generated (hashed) ConfigMap, so a change rolls the pods.
    assertThat(configMapKeyRefs(r)).isNotEmpty().allSatisfy(ref -> {
      ConfigMap cm = r.named(ConfigMap.class, ref.getName());
      if (!Boolean.TRUE.equals(ref.getOptional())) assertThat(cm.getData()).containsKey(ref.getKey());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void gracePeriodCoversDrainAndInFlightRequests(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    int drain = Integer.parseInt(envValue(r, "DRAGOMAN_DRAIN_SECONDS").orElseThrow());
    assertThat(podSpec(r).getTerminationGracePeriodSeconds()).isEqualTo(45L)
        .isGreaterThan((long) drain + IN_FLIGHT_BOUND_SECONDS);
    assertThat(gatewayContainer(r).getLifecycle()).as("the gateway drains itself; no preStop hook").isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void resourcesAndJvmFitTheContainer(String overlay) {
    Container c = gatewayContainer(rendered.get(overlay));
    assertThat(c.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
    assertThat(c.getResources().getRequests().get("cpu")).hasToString("250m");
    assertThat(c.getResources().getRequests().get("memory")).hasToString("512Mi");
    assertThat(c.getResources().getLimits()).containsOnlyKeys("memory");
    assertThat(c.getResources().getLimits().get("memory")).hasToString("1Gi");
    assertThat(env(c, "JAVA_TOOL_OPTIONS").map(EnvVar::getValue)).hasValueSatisfying(opts -> assertThat(opts)
        .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
    // readOnlyRootFilesystem: /tmp must be a writable volume.
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @ParameterizedTest
  @ValueSource(strings = {STANDALONE, SINGLE_NAMESPACE})
  void scalingAndDisruptionKeepAReplicaUp(String overlay) {
    RenderedObjects r = rendered.get(overlay);
    Deployment d = deployment(r);
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);

    PodDisruptionBudget pdb = r.only(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertSelects(pdb.getSpec().getSelector().getMatchLabels(), podLabels, "PodDisruptionBudget");

    HorizontalPodAutoscaler hpa = r.only(HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(d.getMetadata().getName());
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(2);
    assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(this::assertCpuUtilisation);

    List<TopologySpreadConstraint> spread = podSpec(r).getTopologySpreadConstraints();
    assertThat(spread).anySatisfy(t -> {
      assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertSelects(t.getLabelSelector().getMatchLabels(), podLabels, "topology spread");
    });
  }

  private void assertCpuUtilisation(MetricSpec metric) {
    assertThat(metric.getType()).isEqualTo("Resource");
    assertThat(metric.getResource().getName()).isEqualTo("cpu");
    assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(metric.getResource().getTarget().getAverageUtilization()).isBetween(50, 90);
  }

  private static List<String> kindsAndNames(RenderedObjects r) {
    return r.objects().stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName().replaceFirst("^(dragoman-params)-[a-z0-9]{10}$", "$1-<hash>"))
        .toList();
  }

  private static void assertSelects(Map<String, String> selector, Map<String, String> podLabels, String what) {
    assertThat(selector).as("selector of %s", what).isNotEmpty();
    assertThat(podLabels).as("pod labels selected by %s", what).containsAllEntriesOf(selector);
  }

  private static void assertRoleRef(RoleRef ref, String kind, String name) {
    assertThat(ref.getApiGroup()).isEqualTo(RBAC_GROUP);
    assertThat(ref.getKind()).isEqualTo(kind);
    assertThat(ref.getName()).isEqualTo(name);
  }

  private static void assertSubjectIsGatewayAccount(RenderedObjects r, List<Subject> subjects) {
    ServiceAccount account = r.only(ServiceAccount.class);
    assertThat(subjects).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(account.getMetadata().getName()).isEqualTo("dragoman");
      assertThat(s.getNamespace()).isEqualTo(account.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    });
    assertThat(podSpec(r).getServiceAccountName()).isEqualTo(account.getMetadata().getName());
  }

  private static void assertHttpProbe(Container c, Probe probe, String path) {
    assertThat(probe).as("probe for %s", path).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as("httpGet probe for %s", path).isNotNull();
    assertThat(get.getPath()).isEqualTo(path);
    assertThat(containerPort(c, get.getPort())).as("port of probe %s", path).isEqualTo(8877);
    assertThat(get.getScheme()).isIn(null, "HTTP");
  }

  private static <T> T either(T containerLevel, T podLevel) {
    return containerLevel != null ? containerLevel : podLevel;
  }
}
