package io.dragoman.gateway.source.kubernetes;

import io.dragoman.gateway.source.ConfigStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link ConfigStore} from the {@code getambassador.io/config} annotation of Services, through one fabric8
 * informer (cluster-wide or in the gateway's namespace, optionally by one label).
 *
 * <p>The informer retries every failed list and watch with back-off (see {@link InformerFailures}) and keeps the last
 * good cache meanwhile, so an unreachable API server means "not ready yet" at start and "last table keeps serving"
 * later. It stops for good only where a fresh process can do better; then {@link #healthy()} turns false so that
 * liveness fails and Kubernetes restarts the pod.
 */
public final class KubernetesSource implements AutoCloseable {
  /** A request that takes longer is failed and retried: a list of all Services is small. */
  static final int REQUEST_TIMEOUT_MS = 10_000;

  static final int CONNECT_TIMEOUT_MS = 5_000;

  /** The informer's first retry waits this long, then doubles up to 32 times this. */
  static final int RECONNECT_INTERVAL_MS = 1_000;

  /**
   * HTTP-level retries of one request before the informer sees the failure; few, because the informer's own back-off
   * takes over from there.
   */
  static final int REQUEST_RETRIES = 2;

  private static final Logger log = LoggerFactory.getLogger(KubernetesSource.class);
  private static final long FLUSH_RETRY_MS = 1_000;

  private final KubernetesClient client;
  private final KubernetesSourceSettings settings;
  private final ConfigStore store;
  private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
  private final AtomicLong lists = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
  private volatile SharedIndexInformer<Service> informer;
  private volatile boolean stoppedForGood;
  private volatile boolean closed;

  public KubernetesSource(KubernetesClient client, KubernetesSourceSettings settings, ConfigStore store) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * A client from the environment: the pod's service account in a cluster, else the kubeconfig, with the timeouts
   * and back-off this source expects. The caller owns it and closes it after the source.
   */
  public static KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(tune(Config.autoConfigure(null))).build();
  }

  /** Sets our timeouts and back-off on {@code config} and returns it. */
  static Config tune(Config config) {
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setWatchReconnectInterval(RECONNECT_INTERVAL_MS);
    config.setWatchReconnectLimit(-1);
    config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
    config.setRequestRetryBackoffInterval(200);
    return config;
  }

  /**
   * Starts the informer and returns at once, even when the API server is down: the informer keeps trying in the
   * background and {@link #firstSync()} completes once the first complete list is live.
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("the Kubernetes source is closed");
    }
    if (informer != null) {
      throw new IllegalStateException("the Kubernetes source is already started");
    }
    SharedIndexInformer<Service> inf = services().runnableInformer(settings.resync().toMillis());
    inf.exceptionHandler(this::retryAfter);
    inf.addEventHandler(new ServiceEvents(store, () -> inf.getStore().list(), this::listed));
    inf.stopped().whenComplete((ignored, t) -> informerStopped(t));
    informer = inf;
    log.info("watching Services {}{}", scope(), settings.labelSelector().map(s -> " labelled " + s).orElse(""));
    inf.start();
  }

  /** The first complete list is in the store and live in its table: the gateway may report ready. */
  public boolean synced() {
    return firstSync.isDone() && !firstSync.isCompletedExceptionally();
  }

  /**
   * Completes once the first complete list is live; exceptionally if the informer stopped for good or the source was
   * closed before that.
   */
  public CompletableFuture<Void> firstSync() {
    return firstSync.copy();
  }

  /** False only once the informer stopped for good: the process cannot recover by itself. */
  public boolean healthy() {
    return !stoppedForGood;
  }

  /** A watch is open now; false while the informer is listing, reconnecting or waiting to retry. */
  public boolean watching() {
    SharedIndexInformer<Service> inf = informer;
    return inf != null && inf.isWatching();
  }

  /** Complete lists delivered so far: the first, then one per relist. */
  public long lists() {
    return lists.get();
  }

  /** List and watch failures the informer reported (each then retried or, rarely, fatal). */
  public long failures() {
    return failures.get();
  }

  /** The latest such failure, for diagnostics. */
  public Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  /** Stops the informer. The client belongs to the caller and stays open. */
  @Override
  public void close() {
    SharedIndexInformer<Service> inf;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      inf = informer;
    }
    if (inf != null) {
      inf.stop();
    }
    firstSync.completeExceptionally(new IllegalStateException("Kubernetes source closed before its first list"));
  }

  private FilterWatchListDeletable<Service, ServiceList, ServiceResource<Service>> services() {
    FilterWatchListDeletable<Service, ServiceList, ServiceResource<Service>> scoped =
        settings.singleNamespace()
            ? client.services().inNamespace(settings.namespace())
            : client.services().inAnyNamespace();
    return settings.labelMatch().map(m -> scoped.withLabel(m.key(), m.value())).orElse(scoped);
  }

  private String scope() {
    return settings.singleNamespace() ? "in namespace " + settings.namespace() : "in all namespaces";
  }

  private boolean retryAfter(boolean started, Throwable t) {
    failures.incrementAndGet();
    lastFailure.set(t);
    boolean retry = InformerFailures.retry(t);
    if (!retry) {
      log.error("the Service informer cannot recover from this failure; liveness will fail", t);
    }
    return retry;
  }

  private void informerStopped(Throwable t) {
    if (closed) {
      return;
    }
    stoppedForGood = true;
    Throwable cause = t != null ? t : new IllegalStateException("the Service informer stopped");
    firstSync.completeExceptionally(cause);
  }

  private void listed() {
    long n = lists.incrementAndGet();
    log.info("Service list {} complete", n);
    if (!firstSync.isDone()) {
      flushUntilLive();
    }
  }

  /** Ready means live in the table, not merely recorded: wait for the store's build. */
  private void flushUntilLive() {
    store
        .flush()
        .whenComplete(
            (table, t) -> {
              if (t == null) {
                firstSync.complete(null);
                return;
              }
              if (closed || t instanceof IllegalStateException) {
                return; // we or the store are closing
              }
              log.warn("building the first table from the cluster failed; retrying in {} ms", FLUSH_RETRY_MS, t);
              CompletableFuture.delayedExecutor(FLUSH_RETRY_MS, TimeUnit.MILLISECONDS).execute(this::flushUntilLive);
            });
  }
}
