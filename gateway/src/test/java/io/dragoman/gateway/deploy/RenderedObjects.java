package io.dragoman.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Every object of one rendered overlay, each parsed into its typed fabric8 model. */
record RenderedObjects(String overlay, List<HasMetadata> objects) {

  /**
   * The kinds the overlays may render, at the API versions we mean. Anything else (an unknown kind, or a known
   * kind at an old version such as policy/v1beta1) fails: it would be an object nobody reviewed.
   */
  static final Set<Class<? extends HasMetadata>> KNOWN_KINDS = Set.of(
      Namespace.class,
      ServiceAccount.class,
      ConfigMap.class,
      Service.class,
      ClusterRole.class,
      ClusterRoleBinding.class,
      Role.class,
      RoleBinding.class,
      Deployment.class,
      PodDisruptionBudget.class,
      HorizontalPodAutoscaler.class);

  /** Kinds without a namespace. */
  static final Set<Class<? extends HasMetadata>> CLUSTER_SCOPED =
      Set.of(Namespace.class, ClusterRole.class, ClusterRoleBinding.class);

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  RenderedObjects {
    objects = List.copyOf(objects);
  }

  static RenderedObjects parse(String overlay, String yaml) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> parsed = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.isBlank()) continue;
      Object object = serialization.unmarshal(document);
      if (!(object instanceof HasMetadata resource) || object instanceof GenericKubernetesResource) {
        return fail("overlay %s renders an object with no typed model (unknown kind or version):%n%s",
            overlay, document);
      }
      assertThat(KNOWN_KINDS)
          .as("overlay %s renders %s/%s %s, a kind the deploy tests do not check", overlay,
              resource.getApiVersion(), resource.getKind(), resource.getMetadata().getName())
          .contains(resource.getClass());
      parsed.add(resource);
    }
    return new RenderedObjects(overlay, parsed);
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> T named(Class<T> kind, String name) {
    List<T> matches = all(kind).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
    assertThat(matches).as("%s %s in overlay %s", kind.getSimpleName(), name, overlay).hasSize(1);
    return matches.get(0);
  }

  <T extends HasMetadata> T only(Class<T> kind) {
    List<T> matches = all(kind);
    assertThat(matches).as("%s objects in overlay %s", kind.getSimpleName(), overlay).hasSize(1);
    return matches.get(0);
  }
}
