package io.dragoman.kubeflow.deploy;

import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Renders a kustomization with {@code kubectl kustomize} (as scripts/render-manifests.sh does) and parses every
 * object into its typed fabric8 model. A missing kubectl fails the test: skipping would let broken manifests pass.
 */
final class Kustomize {
  private static final long TIMEOUT_SECONDS = 120;
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private Kustomize() {}

  /** @param dir relative to the repository root, e.g. {@code kustomize/overlays/kubeflow} */
  static List<HasMetadata> render(String dir) {
    return parse(dir, run(RepoRoot.find(), dir));
  }

  static List<HasMetadata> parse(String what, String yaml) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> out = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.isBlank()) continue;
      Object o = serialization.unmarshal(document);
      if (!(o instanceof HasMetadata resource) || o instanceof GenericKubernetesResource) {
        return fail("%s renders an object with no typed model (unknown kind or version):%n%s", what, document);
      }
      out.add(resource);
    }
    return out;
  }

  private static String run(Path root, String dir) {
    List<String> command = List.of("kubectl", "kustomize", dir);
    try {
      Path stderr = Files.createTempFile("kubectl-kustomize", ".stderr");
      try {
        Process process;
        try {
          process = new ProcessBuilder(command).directory(root.toFile()).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
          return fail("kubectl not found on PATH (" + e.getMessage() + "): these tests render kustomize/ with"
              + " `kubectl kustomize`; install kubectl (CI does) and run them again");
        }
        process.getOutputStream().close();
        String out;
        try (InputStream in = process.getInputStream()) {
          out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
          return fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
              + Files.readString(stderr));
        }
        return out;
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      return fail(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(String.join(" ", command) + " interrupted", e);
    }
  }
}
