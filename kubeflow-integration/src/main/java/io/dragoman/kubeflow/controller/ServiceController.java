package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin edge around {@link Reconciler}: informers on Services and Pods feed a queue of Service keys; one worker
 * thread reconciles each key from the informers' caches and writes the result as a JSON Patch of the controller's
 * own annotations, plus an Event. Nothing here decides anything.
 */
public final class ServiceController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServiceController.class);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final KubernetesClient client;
  private final Reconciler reconciler;
  private final ControllerSettings settings;
  private final EventRecorder events;
  private final ScheduledExecutorService worker;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<Service>> serviceInformers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> podInformers = new ArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean stopped;

  public ServiceController(KubernetesClient client, ControllerSettings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.reconciler = new Reconciler(settings.publicUrl());
    this.events = new EventRecorder(client, clock, settings.identity());
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dragoman-kubeflow-reconciler");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the informers without waiting for their first list (this runs on the leader elector's thread, which
   * must keep renewing the Lease); reconciling begins as the lists arrive.
   */
  public void start() {
    long resync = settings.resync().toMillis();
    if (settings.namespaces().isEmpty()) {
      serviceInformers.add(started(client.services().inAnyNamespace().runnableInformer(resync), serviceHandler()));
      podInformers.add(started(client.pods().inAnyNamespace().runnableInformer(0), podHandler()));
    } else {
      for (String ns : settings.namespaces()) {
        serviceInformers.add(started(client.services().inNamespace(ns).runnableInformer(resync), serviceHandler()));
        podInformers.add(started(client.pods().inNamespace(ns).runnableInformer(0), podHandler()));
      }
    }
  }

  private static <T> SharedIndexInformer<T> started(SharedIndexInformer<T> informer, ResourceEventHandler<T> h) {
    informer.addEventHandler(h);
    informer.start();
    return informer;
  }

  /** True once every informer has listed its objects. */
  public boolean synced() {
    return !serviceInformers.isEmpty()
        && serviceInformers.stream().allMatch(SharedIndexInformer::hasSynced)
        && podInformers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Patches written so far (for tests and logs). */
  public long writes() {
    return writes.get();
  }

  @Override
  public void close() {
    stopped = true;
    serviceInformers.forEach(SharedIndexInformer::close);
    podInformers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private ResourceEventHandler<Service> serviceHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Service s) {
        enqueue(key(s), Duration.ZERO);
      }

      @Override
      public void onUpdate(Service old, Service s) {
        enqueue(key(s), Duration.ZERO);
      }

      @Override
      public void onDelete(Service s, boolean unknownFinalState) {
        events.forget(key(s));
      }
    };
  }

  private ResourceEventHandler<Pod> podHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod p) {
        enqueueSelecting(p);
      }

      @Override
      public void onUpdate(Pod old, Pod p) {
        // Only what the reconciler reads: the spec and the labels. Status churn (readiness) changes nothing.
        if (!p.getSpec().equals(old.getSpec()) || !labels(p).equals(labels(old))) enqueueSelecting(p);
      }

      @Override
      public void onDelete(Pod p, boolean unknownFinalState) {
        enqueueSelecting(p);
      }
    };
  }

  private void enqueueSelecting(Pod pod) {
    for (Service s : inNamespace(serviceInformers, pod.getMetadata().getNamespace())) {
      if (selects(s, pod)) enqueue(key(s), Duration.ZERO);
    }
  }

  private void enqueue(String key, Duration delay) {
    if (stopped || !pending.add(key)) return;
    worker.schedule(() -> {
      pending.remove(key);
      reconcile(key);
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reconcile(String key) {
    if (stopped) return;
    Service service = byKey(key);
    if (service == null) return;
    List<Pod> pods = inNamespace(podInformers, service.getMetadata().getNamespace()).stream()
        .filter(p -> selects(service, p))
        .toList();
    try {
      Decision decision = reconciler.reconcile(service, pods);
      write(service, decision);
    } catch (KubernetesClientException e) {
      // 409/422: the Service changed under us (the patch's resourceVersion test failed); the update event that
      // follows re-reconciles. Anything else is retried shortly.
      log.info("service {}: patch not applied ({} {}); retrying", key, e.getCode(), e.getMessage());
      enqueue(key, RETRY);
    } catch (RuntimeException e) {
      log.error("service {}: reconcile failed", key, e);
      enqueue(key, RETRY);
    }
  }

  private void write(Service service, Decision decision) {
    List<Map<String, Object>> ops = AnnotationPatch.operations(
        service.getMetadata().getAnnotations(), decision, service.getMetadata().getResourceVersion());
    if (!ops.isEmpty()) {
      if (stopped) return;
      String json = client.getKubernetesSerialization().asJson(ops);
      client.services().inNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON), json);
      writes.incrementAndGet();
      log.info("service {}: {} ({} operations)", key(service), decision.action(), ops.size() - 1);
    }
    // A Normal notice reports a change, so only when something was written; warnings are deduplicated anyway.
    decision.notice()
        .filter(n -> !ops.isEmpty() || n.type().equals("Warning"))
        .ifPresent(n -> events.record(service, n));
  }

  private Service byKey(String key) {
    for (SharedIndexInformer<Service> i : serviceInformers) {
      Service s = i.getStore().getByKey(key);
      if (s != null) return s;
    }
    return null;
  }

  private static <T> List<T> inNamespace(List<SharedIndexInformer<T>> informers, String ns) {
    List<T> out = new ArrayList<>();
    for (SharedIndexInformer<T> i : informers) out.addAll(i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns));
    return out;
  }

  /** A Service without a selector selects no Pods (its Endpoints are managed by hand). */
  static boolean selects(Service service, Pod pod) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) return false;
    if (!service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())) return false;
    Map<String, String> labels = labels(pod);
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static Map<String, String> labels(Pod p) {
    Map<String, String> l = p.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

}
