package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the controller only while this replica holds the Lease. Losing the Lease after holding it calls
 * {@code onLost} (the command exits non-zero so Kubernetes restarts the pod with clean caches): a replica that
 * lost the Lease must never write again, and restarting is the simple way to be sure.
 */
public final class LeaderGate implements AutoCloseable {
  /** Lease timings as client-go's defaults, scaled down: a new leader within ~15 s of a crash. */
  public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final Timings DEFAULTS =
        new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private static final Logger log = LoggerFactory.getLogger(LeaderGate.class);

  private final KubernetesClient client;
  private final ControllerSettings settings;
  private final Timings timings;
  private final ServiceController controller;
  private final Runnable onLost;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private LeaderElector elector;
  private CompletableFuture<?> election;

  public LeaderGate(KubernetesClient client, ControllerSettings settings, Timings timings,
      ServiceController controller, Runnable onLost) {
    this.client = client;
    this.settings = settings;
    this.timings = timings;
    this.controller = controller;
    this.onLost = onLost;
  }

  public synchronized void start() {
    elector = client.leaderElector()
        .withConfig(new LeaderElectionConfigBuilder()
            .withName(ControllerSettings.LEASE_NAME)
            .withLock(new LeaseLock(settings.leaseNamespace(), ControllerSettings.LEASE_NAME, settings.identity()))
            .withLeaseDuration(timings.leaseDuration())
            .withRenewDeadline(timings.renewDeadline())
            .withRetryPeriod(timings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
                leader -> log.info("leader is now {}", leader)))
            .build())
        .build();
    election = elector.start();
  }

  public boolean leading() {
    return leading.get();
  }

  private void started() {
    if (closing.get()) return;
    log.info("{} leads: starting the controller", settings.identity());
    leading.set(true);
    controller.start();
  }

  private void stopped() {
    boolean wasLeading = leading.getAndSet(false);
    controller.close();
    if (wasLeading && !closing.getAndSet(true)) {
      // Never lead again from this process: its caches and queue are gone. Cancelled from another thread, since
      // this callback runs on the elector's own.
      CompletableFuture.runAsync(this::cancelElection);
      log.error("{} lost the lease; stopping so that only the new leader writes", settings.identity());
      onLost.run();
    }
  }

  private synchronized void cancelElection() {
    if (election != null) election.cancel(true);
  }

  @Override
  public void close() {
    closing.set(true);
    boolean wasLeading = leading.get();
    cancelElection();
    controller.close();
    // Hand the Lease over now rather than after it expires, so a standby starts at once. Done here and not left
    // to the cancelled elector, which may still be mid-request when the process exits.
    LeaderElector e;
    synchronized (this) {
      e = elector;
    }
    if (wasLeading && e != null) {
      try {
        e.release();
      } catch (RuntimeException ex) {
        log.warn("could not release the lease: {}", ex.getMessage());
      }
    }
  }
}
