package io.dragoman.kubeflow.models;

import io.dragoman.kubeflow.Args;
import io.dragoman.kubeflow.ClusterErrors;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code models deploy|list|url}. Exit codes: 0 done, 1 failed (the message says why, in one line), 2 usage.
 */
public final class ModelsCommand {
  private static final Set<String> OPTIONS =
      Set.of("model-base-path", "model-name", "namespace", "image", "replicas", "timeout");

  private ModelsCommand() {}

  public static int run(List<String> argv, PrintStream out, PrintStream err) {
    // Fail fast: a CLI user waiting on ten retries to an absent cluster learns nothing more.
    Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      return run(client, argv, out, err);
    }
  }

  public static int run(KubernetesClient client, List<String> argv, PrintStream out, PrintStream err) {
    try {
      Args args = Args.parse(argv, OPTIONS);
      List<String> pos = args.positionals();
      if (pos.isEmpty()) throw new Args.UsageException("missing subcommand (expected: deploy, list or url)");
      ModelOperations ops = new ModelOperations(client);
      switch (pos.get(0)) {
        case "deploy" -> out.println(ops.deploy(spec(args, pos), Duration.ofSeconds(args.intValue("timeout", 300, 1))));
        case "list" -> list(ops.list(args.get("namespace", null)), out);
        case "url" -> out.println(ops.url(single(pos, "url"), args.get("namespace", ModelSpec.DEFAULT_NAMESPACE)));
        default -> throw new Args.UsageException(pos.get(0) + ": unknown subcommand (expected: deploy, list or url)");
      }
      return 0;
    } catch (Args.UsageException | IllegalArgumentException e) {
      err.println("models: " + e.getMessage());
      return 2;
    } catch (ModelFailure e) {
      err.println("models: " + e.getMessage());
      return 1;
    } catch (KubernetesClientException e) {
      err.println("models: " + ClusterErrors.explain(client, e,
          "get/list/create/update/patch on deployments and services, list on pods"));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("models: interrupted");
      return 1;
    }
  }

  private static ModelSpec spec(Args args, List<String> pos) {
    String name = single(pos, "deploy");
    String basePath = args.get("model-base-path", null);
    if (basePath == null) throw new Args.UsageException("deploy: --model-base-path is required");
    return new ModelSpec(
        ModelSpec.objectName(name),
        args.get("model-name", name),
        args.get("namespace", ModelSpec.DEFAULT_NAMESPACE),
        basePath,
        args.get("image", ModelSpec.DEFAULT_IMAGE),
        args.intValue("replicas", 1, 1));
  }

  private static String single(List<String> pos, String sub) {
    if (pos.size() != 2) throw new Args.UsageException(sub + ": expected exactly one NAME");
    return pos.get(1);
  }

  private static void list(List<ModelOperations.RoutedService> services, PrintStream out) {
    out.printf("%-16s %-24s %-7s %s%n", "NAMESPACE", "SERVICE", "READY", "URL");
    for (ModelOperations.RoutedService s : services) {
      out.printf("%-16s %-24s %-7s %s%n", s.namespace(), s.service(), s.readyPods() + "/" + s.pods(),
          String.join(",", s.urls()));
    }
  }
}
