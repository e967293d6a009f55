package io.dragoman.kubeflow.controller;

import io.dragoman.kubeflow.Args;
import io.dragoman.kubeflow.ClusterErrors;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code controller}: the composition root. Builds the client, the controller behind its leader gate and the health
 * server; runs until SIGTERM (exit 0) or until the Lease is lost (exit 1, so Kubernetes restarts the pod). Closing
 * runs in the reverse order of the try-with-resources below: health, leader gate (releases the Lease), controller,
 * client.
 */
public final class ControllerCommand {
  private static final Logger log = LoggerFactory.getLogger(ControllerCommand.class);
  private static final Path POD_NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  private static final Set<String> OPTIONS =
      Set.of("namespace", "public-url", "lease-namespace", "identity", "health-port", "health-address");

  private ControllerCommand() {}

  /** The health listener's address. */
  private record Health(String address, int port) {}

  public static int run(List<String> argv) {
    ControllerSettings settings;
    Health health;
    try {
      Args args = Args.parse(argv, OPTIONS);
      if (!args.positionals().isEmpty()) {
        throw new Args.UsageException(args.positionals().get(0) + ": unexpected argument");
      }
      settings = settings(args);
      health = new Health(args.get("health-address", "0.0.0.0"), args.intValue("health-port", 8081, 0));
    } catch (Args.UsageException e) {
      System.err.println("controller: " + e.getMessage());
      return 2;
    }
    try {
      return serve(settings, health);
    } catch (IOException e) {
      System.err.println("controller: health server on " + health.address() + ":" + health.port() + ": "
          + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Runs until SIGTERM/SIGINT (0) or the loss of the Lease (1). */
  private static int serve(ControllerSettings settings, Health healthAt) throws IOException, InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger exit = new AtomicInteger();
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        ServiceController controller = new ServiceController(client, settings, Clock.systemUTC());
        LeaderGate gate = new LeaderGate(client, settings, LeaderGate.Timings.DEFAULTS, controller, () -> {
          exit.set(1);
          done.countDown();
        });
        HealthServer health = new HealthServer(healthAt.address(), healthAt.port(),
            () -> !gate.leading() || controller.synced())) {
      // SIGTERM is how Kubernetes stops a pod: close everything (the leader releases its Lease, so a standby takes
      // over at once) and exit 0, not the JVM's 143.
      Signal.handle(new Signal("TERM"), sig -> done.countDown());
      Signal.handle(new Signal("INT"), sig -> done.countDown());
      if (!apiServerAnswers(client, settings)) return 1;
      health.start();
      gate.start();
      log.info("controller {} started: namespaces {}, public URL \"{}\", health on {}:{}", settings.identity(),
          settings.namespaces().isEmpty() ? "all" : settings.namespaces(), settings.publicUrl(), healthAt.address(),
          health.port());
      done.await();
    }
    return exit.get();
  }

  /** Fails fast with a clear line (the pod restarts) rather than retry the Lease silently forever. */
  private static boolean apiServerAnswers(KubernetesClient client, ControllerSettings settings) {
    try {
      client.leases().inNamespace(settings.leaseNamespace()).withName(ControllerSettings.LEASE_NAME).get();
      return true;
    } catch (KubernetesClientException e) {
      System.err.println("controller: " + ClusterErrors.explain(client, e, "get/create/update/patch on the Lease "
          + ControllerSettings.LEASE_NAME + " in namespace " + settings.leaseNamespace()));
      return false;
    }
  }

  static ControllerSettings settings(Args args) {
    String publicUrl = args.get("public-url", env("DRAGOMAN_PUBLIC_URL", ""));
    if (!publicUrl.isEmpty() && !publicUrl.matches("https?://[^\\s/]+(/[^\\s]*)?")) {
      throw new Args.UsageException("--public-url: \"" + publicUrl + "\" (expected: http(s)://host[:port][/path])");
    }
    return new ControllerSettings(
        args.all("namespace"),
        publicUrl,
        args.get("identity", env("POD_NAME", hostname())),
        args.get("lease-namespace", env("POD_NAMESPACE", podNamespace())),
        Duration.ofMinutes(5));
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static String podNamespace() {
    try {
      return Files.readString(POD_NAMESPACE_FILE).strip();
    } catch (IOException e) {
      return "default";
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "dragoman-kubeflow-" + ProcessHandle.current().pid();
    }
  }
}
