package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Decides what one Service's annotations should be, from the Service and the Pods it selects. Pure: no client, no
 * clock; the same input always gives the same {@link Decision}. The rules are in docs/kubeflow.md.
 */
public final class Reconciler {
  public static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final String publicUrl;

  /** @param publicUrl the base of model URLs ({@code https://kubeflow.example.com}); "" for the path alone */
  public Reconciler(String publicUrl) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
  }

  /** @param pods the Pods the Service selects, in any order */
  public Decision reconcile(Service service, List<Pod> pods) {
    Map<String, String> labels = orEmpty(service.getMetadata().getLabels());
    Map<String, String> annotations = orEmpty(service.getMetadata().getAnnotations());
    boolean owned = Keys.MANAGER.equals(annotations.get(Keys.MANAGED_BY));
    String label = labels.get(Keys.TF_SERVING_LABEL);
    if ("false".equals(label)) {
      return removal(owned, "the Service is labelled " + Keys.TF_SERVING_LABEL + "=false");
    }
    Optional<ServingContainer> serving = ServingContainer.find(pods);
    if (!"true".equals(label) && serving.isEmpty() && pods.isEmpty()) {
      // No pods says nothing about what the Service serves (a rollout, a scale to zero): keep what is there.
      return Decision.leave();
    }
    if (!"true".equals(label) && serving.isEmpty()) {
      return removal(owned, "the Service's pods no longer run TensorFlow Serving");
    }
    if (annotations.containsKey(Keys.AMBASSADOR_CONFIG) && !owned) {
      return Decision.leave(Notice.warning(Notice.FOREIGN_CONFIG, "the Service already has a "
          + Keys.AMBASSADOR_CONFIG + " annotation that " + Keys.MANAGED_BY + "=" + Keys.MANAGER
          + " does not mark as ours; leaving it alone. Remove it (or route the models yourself) to let the"
          + " controller route them"));
    }
    Outcome<List<String>> models = models(annotations, serving);
    if (models.refusal != null) return refusal(owned, models.refusal);
    Outcome<Long> timeout = timeout(annotations);
    if (timeout.refusal != null) return refusal(owned, timeout.refusal);
    return routed(service, serving, models.value, timeout.value);
  }

  private Decision routed(
      Service service, Optional<ServingContainer> serving, List<String> models, long timeoutMs) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    int port = restPort(service, serving);
    List<String> urls = new ArrayList<>();
    for (String m : models) urls.add(publicUrl + "/models/" + m + "/");
    Map<String, String> desired = new LinkedHashMap<>();
    desired.put(Keys.AMBASSADOR_CONFIG, ModelRoutes.yaml(ns, name, port, models, timeoutMs));
    desired.put(Keys.MANAGED_BY, Keys.MANAGER);
    desired.put(Keys.MODEL_URL, String.join(",", urls));
    return Decision.apply(desired, Notice.normal(Notice.ROUTED,
        "routed " + String.join(", ", models) + " at " + String.join(", ", urls) + " (upstream " + name + "." + ns
            + ":" + port + ")"));
  }

  private static Decision removal(boolean owned, String why) {
    if (!owned) return Decision.leave();
    return Decision.remove(Notice.normal(Notice.ROUTES_REMOVED, "removed the model routes: " + why));
  }

  /** A refused Service keeps no routes of ours: they would route something other than what the user wrote. */
  private static Decision refusal(boolean owned, Notice notice) {
    return owned ? Decision.remove(notice) : Decision.leave(notice);
  }

  private record Outcome<T>(T value, Notice refusal) {}

  private static Outcome<List<String>> models(Map<String, String> annotations, Optional<ServingContainer> serving) {
    List<String> names = new ArrayList<>();
    String annotated = annotations.get(Keys.MODEL_NAME);
    if (annotated != null && !annotated.isBlank()) {
      for (String n : annotated.split(",")) {
        if (!n.strip().isEmpty() && !names.contains(n.strip())) names.add(n.strip());
      }
    } else if (serving.flatMap(ServingContainer::modelNameArg).isPresent()) {
      names.add(serving.get().modelNameArg().get());
    } else if (serving.isPresent() && serving.get().modelConfigFile()) {
      return new Outcome<>(null, Notice.warning(Notice.MODEL_NAME_REQUIRED, "the server reads its models from"
          + " --model_config_file; annotate the Service with " + Keys.MODEL_NAME + ": <name>[,<name>...]"));
    } else {
      names.add(serving.flatMap(ServingContainer::modelNameEnv).orElse("model"));
    }
    for (String n : names) {
      String problem = ModelNames.problem(n);
      if (problem != null) {
        return new Outcome<>(null, Notice.warning(Notice.UNSAFE_MODEL_NAME, "model name: " + problem
            + "; no route written"));
      }
    }
    return new Outcome<>(List.copyOf(names), null);
  }

  private static Outcome<Long> timeout(Map<String, String> annotations) {
    String raw = annotations.get(Keys.TIMEOUT_MS);
    if (raw == null) return new Outcome<>(DEFAULT_TIMEOUT_MS, null);
    if (raw.strip().matches("[0-9]{1,9}")) return new Outcome<>(Long.parseLong(raw.strip()), null);
    return new Outcome<>(null, Notice.warning(Notice.INVALID_TIMEOUT,
        Keys.TIMEOUT_MS + ": \"" + raw + "\" (expected: integer milliseconds)"));
  }

  /**
   * The Service port that reaches the container's REST port, else one named like http/rest, else 8501. A
   * Service port reaches the container port its {@code targetPort} names (a number, or a container port's name);
   * without a targetPort, the port number itself.
   */
  static int restPort(Service service, Optional<ServingContainer> serving) {
    List<ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of() : service.getSpec().getPorts();
    OptionalInt rest = serving.map(ServingContainer::restPort).orElse(OptionalInt.empty());
    if (rest.isPresent()) {
      for (ServicePort p : ports) {
        if (target(p, serving.get().ports()) == rest.getAsInt()) return p.getPort();
      }
    }
    for (ServicePort p : ports) {
      String name = p.getName() == null ? "" : p.getName().toLowerCase(java.util.Locale.ROOT);
      if (name.contains("http") || name.contains("rest")) return p.getPort();
    }
    return ServingContainer.OFFICIAL_REST_PORT;
  }

  private static int target(ServicePort p, List<ContainerPort> containerPorts) {
    IntOrString t = p.getTargetPort();
    if (t == null || (t.getIntVal() == null && t.getStrVal() == null)) return p.getPort();
    if (t.getIntVal() != null) return t.getIntVal();
    for (ContainerPort cp : containerPorts) {
      if (t.getStrVal().equals(cp.getName())) return cp.getContainerPort();
    }
    return -1;
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
