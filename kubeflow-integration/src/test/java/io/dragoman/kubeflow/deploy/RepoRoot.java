package io.dragoman.kubeflow.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the test's working directory (Maven runs module tests in gateway/). */
final class RepoRoot {

  private RepoRoot() {}

  static Path find() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("kustomize/overlays")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    return fail("no repository root (a folder with pom.xml and kustomize/overlays) above " + start);
  }
}
