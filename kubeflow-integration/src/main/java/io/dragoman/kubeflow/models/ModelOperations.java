package io.dragoman.kubeflow.models;

import io.dragoman.kubeflow.controller.Keys;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the {@code models} command does against a cluster: deploy and wait, list, look up a URL. */
public final class ModelOperations {
  /** One routed model Service as {@code models list} shows it. */
  public record RoutedService(String namespace, String service, List<String> urls, int readyPods, int pods) {}

  private static final Duration POLL = Duration.ofMillis(500);
  static final String GATEWAY_NAMESPACE = "kubeflow";
  static final String GATEWAY_INGRESS = "dragoman";

  private final KubernetesClient client;

  public ModelOperations(KubernetesClient client) {
    this.client = client;
  }

  /** Applies the Deployment and Service, then waits for the controller's route and ready pods. */
  public String deploy(ModelSpec spec, Duration timeout) throws InterruptedException {
    Applier applier = new Applier(client);
    applier.apply(ModelManifests.deployment(spec));
    applier.apply(ModelManifests.service(spec));
    return await(spec, timeout);
  }

  private String await(ModelSpec spec, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Service service = client.services().inNamespace(spec.namespace()).withName(spec.name()).get();
      List<Pod> pods = pods(spec.namespace(), ModelManifests.selector(spec));
      Optional<String> url = service == null ? Optional.empty() : url(service);
      long ready = pods.stream().filter(ModelOperations::ready).count();
      if (url.isPresent() && ready >= spec.replicas()) return absolute(url.get());
      if (System.nanoTime() - deadline >= 0) {
        throw new ModelFailure(notReady(spec, timeout, url.isPresent(), pods));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static String notReady(ModelSpec spec, Duration timeout, boolean routed, List<Pod> pods) {
    StringBuilder why = new StringBuilder("model " + spec.name() + " in namespace " + spec.namespace()
        + " is not ready after " + timeout.toSeconds() + " s: ");
    List<String> reasons = new ArrayList<>();
    if (!routed) {
      reasons.add("the Service has no " + Keys.MODEL_URL + " annotation yet (is the dragoman-kubeflow controller"
          + " running? `kubectl describe service " + spec.name() + " -n " + spec.namespace() + "` shows its"
          + " events)");
    }
    if (pods.isEmpty()) reasons.add("no pods yet (`kubectl describe deployment " + spec.name() + "`)");
    for (Pod p : pods) {
      if (!ready(p)) reasons.add("pod " + p.getMetadata().getName() + " " + podReason(p));
    }
    return why.append(String.join("; ", reasons)).toString();
  }

  /** The most telling reason a pod is not ready: a waiting container's reason first (ImagePullBackOff). */
  static String podReason(Pod p) {
    if (p.getStatus() == null) return "has no status yet";
    List<ContainerStatus> statuses = new ArrayList<>();
    if (p.getStatus().getInitContainerStatuses() != null) statuses.addAll(p.getStatus().getInitContainerStatuses());
    if (p.getStatus().getContainerStatuses() != null) statuses.addAll(p.getStatus().getContainerStatuses());
    for (ContainerStatus cs : statuses) {
      if (cs.getState() != null && cs.getState().getWaiting() != null) {
        var w = cs.getState().getWaiting();
        return "container " + cs.getName() + " waiting: " + w.getReason()
            + (w.getMessage() == null ? "" : " (" + w.getMessage() + ")");
      }
      if (cs.getState() != null && cs.getState().getTerminated() != null) {
        var t = cs.getState().getTerminated();
        return "container " + cs.getName() + " terminated: " + t.getReason() + " (exit code " + t.getExitCode() + ")";
      }
    }
    if (p.getStatus().getConditions() != null) {
      for (PodCondition c : p.getStatus().getConditions()) {
        if ("False".equals(c.getStatus()) && c.getReason() != null) {
          return c.getType() + "=False: " + c.getReason() + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
        }
      }
    }
    return "phase " + p.getStatus().getPhase() + ", not ready";
  }

  /**
   * A URL the controller wrote as a bare path (no {@code --public-url}) completed with the address of the
   * gateway's Ingress ({@code kubeflow/dragoman}) once its load balancer has one; else unchanged.
   */
  String absolute(String urls) {
    if (!urls.startsWith("/")) return urls;
    Optional<String> base = ingressAddress();
    if (base.isEmpty()) return urls;
    List<String> out = new ArrayList<>();
    for (String u : urls.split(",")) out.add(u.startsWith("/") ? base.get() + u : u);
    return String.join(",", out);
  }

  private Optional<String> ingressAddress() {
    Ingress ingress;
    try {
      ingress = client.network().v1().ingresses().inNamespace(GATEWAY_NAMESPACE).withName(GATEWAY_INGRESS).get();
    } catch (KubernetesClientException e) {
      return Optional.empty(); // no permission to read it: the path alone is still right
    }
    if (ingress == null || ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
        || ingress.getStatus().getLoadBalancer().getIngress() == null) {
      return Optional.empty();
    }
    for (IngressLoadBalancerIngress lb : ingress.getStatus().getLoadBalancer().getIngress()) {
      String host = lb.getHostname() != null && !lb.getHostname().isBlank() ? lb.getHostname() : lb.getIp();
      if (host == null || host.isBlank()) continue;
      boolean tls = ingress.getSpec() != null && ingress.getSpec().getTls() != null
          && !ingress.getSpec().getTls().isEmpty();
      return Optional.of((tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host));
    }
    return Optional.empty();
  }

  /** Every Service the controller routes, in the given namespace or (null) in all. */
  public List<RoutedService> list(String namespace) {
    List<Service> services = namespace == null
        ? client.services().inAnyNamespace().list().getItems()
        : client.services().inNamespace(namespace).list().getItems();
    List<RoutedService> out = new ArrayList<>();
    for (Service s : services) {
      Optional<String> url = url(s);
      if (url.isEmpty()) continue;
      Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
      List<Pod> pods = selector == null || selector.isEmpty()
          ? List.of() : pods(s.getMetadata().getNamespace(), selector);
      out.add(new RoutedService(s.getMetadata().getNamespace(), s.getMetadata().getName(),
          List.of(absolute(url.get()).split(",")), (int) pods.stream().filter(ModelOperations::ready).count(),
          pods.size()));
    }
    out.sort(Comparator.comparing(RoutedService::namespace).thenComparing(RoutedService::service));
    return out;
  }

  /** The URL of the model Service {@code name}, or of the one routed model called {@code name} anywhere. */
  public String url(String name, String namespace) {
    Service s = client.services().inNamespace(namespace).withName(ModelSpec.objectName(name)).get();
    if (s != null) {
      return url(s).map(this::absolute).orElseThrow(() -> new ModelFailure("service " + s.getMetadata().getName()
          + " in namespace " + namespace + " has no " + Keys.MODEL_URL + " annotation (not TF Serving, or the controller is not"
          + " running: see `kubectl describe service " + s.getMetadata().getName() + " -n " + namespace + "`)"));
    }
    List<String> found = new ArrayList<>();
    for (RoutedService r : list(null)) {
      for (String u : r.urls()) if (u.endsWith("/models/" + name + "/")) found.add(u);
    }
    if (found.size() == 1) return found.get(0);
    if (found.isEmpty()) {
      throw new ModelFailure("no model " + name + ": no Service " + ModelSpec.objectName(name) + " in namespace "
          + namespace + " and no routed model of that name elsewhere (`models list` shows them)");
    }
    throw new ModelFailure("model " + name + " is routed more than once: " + String.join(", ", found)
        + " (use --namespace)");
  }

  private static Optional<String> url(Service s) {
    Map<String, String> a = s.getMetadata().getAnnotations();
    if (a == null || !Keys.MANAGER.equals(a.get(Keys.MANAGED_BY))) return Optional.empty();
    return Optional.ofNullable(a.get(Keys.MODEL_URL)).filter(u -> !u.isBlank());
  }

  private List<Pod> pods(String namespace, Map<String, String> selector) {
    return client.pods().inNamespace(namespace).withLabels(selector).list().getItems();
  }

  static boolean ready(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null) return false;
    List<PodCondition> conditions = p.getStatus().getConditions();
    return conditions != null
        && conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
