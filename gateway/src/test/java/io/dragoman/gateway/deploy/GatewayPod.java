package io.dragoman.gateway.deploy;

import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/** The gateway's Deployment, pod and container in a render, and what its container sees. */
final class GatewayPod {

  private GatewayPod() {}

  /** A Service targetPort or probe port, by number or by the container port's name. */
  static int containerPort(Container c, IntOrString port) {
    if (port.getIntVal() != null) return port.getIntVal();
    return c.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseGet(() -> fail("container %s has no port named %s", c.getName(), port.getStrVal()));
  }

  static Deployment deployment(RenderedObjects r) {
    return r.named(Deployment.class, "dragoman");
  }

  static PodSpec podSpec(RenderedObjects r) {
    return deployment(r).getSpec().getTemplate().getSpec();
  }

  static Container gatewayContainer(RenderedObjects r) {
    return podSpec(r).getContainers().stream()
        .filter(c -> c.getName().equals("gateway"))
        .findFirst()
        .orElseGet(() -> fail("no container named gateway in overlay %s", r.overlay()));
  }

  static Optional<EnvVar> env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  /** The value the container sees: a literal, or the key of a ConfigMap in the same render; empty if unset. */
  static Optional<String> envValue(RenderedObjects r, String name) {
    return env(gatewayContainer(r), name).flatMap(e -> {
      if (e.getValueFrom() == null) return Optional.ofNullable(e.getValue());
      ConfigMapKeySelector ref = e.getValueFrom().getConfigMapKeyRef();
      if (ref == null) return fail("env %s is neither a literal nor a ConfigMap key", name);
      return Optional.ofNullable(r.named(ConfigMap.class, ref.getName()).getData().get(ref.getKey()));
    }).filter(v -> !v.isEmpty());
  }

  static List<ConfigMapKeySelector> configMapKeyRefs(RenderedObjects r) {
    return gatewayContainer(r).getEnv().stream()
        .map(EnvVar::getValueFrom)
        .filter(v -> v != null && v.getConfigMapKeyRef() != null)
        .map(EnvVarSource::getConfigMapKeyRef)
        .toList();
  }
}
