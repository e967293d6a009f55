package io.dragoman.gateway.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders an overlay with {@code kubectl kustomize}, exactly as scripts/render-manifests.sh does. A missing kubectl
 * fails the test: skipping would let broken manifests pass CI unnoticed.
 */
final class Kubectl {

  private static final long TIMEOUT_SECONDS = 120;

  private Kubectl() {}

  /** The YAML stream that {@code kubectl kustomize kustomize/overlays/<overlay>} prints, run from {@code root}. */
  static String kustomize(Path root, String overlay) {
    List<String> command = List.of("kubectl", "kustomize", "kustomize/overlays/" + overlay);
    Path stderr = null;
    try {
      stderr = Files.createTempFile("kubectl-kustomize", ".stderr");
      Process process;
      try {
        process = new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectError(stderr.toFile())
            .start();
      } catch (IOException e) {
        return fail("kubectl not found on PATH (" + e.getMessage() + "): the deploy tests render kustomize/ with"
            + " `kubectl kustomize`; install kubectl (CI does) and run the tests again");
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
    } catch (IOException e) {
      return fail(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(String.join(" ", command) + " interrupted", e);
    } finally {
      deleteQuietly(stderr);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
