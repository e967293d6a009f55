package io.dragoman.kubeflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnotationPatchTest {
  private static final Decision APPLY = new Decision(Decision.Action.APPLY,
      Map.of(Keys.MANAGED_BY, Keys.MANAGER, Keys.AMBASSADOR_CONFIG, "cfg"), Optional.empty());

  @Test
  void addsTheAnnotationsMapWhenThereIsNone() {
    assertThat(AnnotationPatch.operations(null, APPLY, "7")).containsExactlyInAnyOrder(
        Map.of("op", "test", "path", "/metadata/resourceVersion", "value", "7"),
        Map.of("op", "add", "path", "/metadata/annotations", "value", Map.of()),
        Map.of("op", "add", "path", "/metadata/annotations/dragoman.io~1managed-by", "value", "kubeflow-integration"),
        Map.of("op", "add", "path", "/metadata/annotations/getambassador.io~1config", "value", "cfg"));
  }

  @Test
  void replacesChangedKeysRemovesStaleOwnedOnesAndLeavesOthers() {
    Map<String, String> current = Map.of(Keys.MANAGED_BY, Keys.MANAGER, Keys.AMBASSADOR_CONFIG, "old",
        Keys.MODEL_URL, "/models/x/", "user/key", "v");
    List<Map<String, Object>> ops = AnnotationPatch.operations(current, APPLY, "3");
    assertThat(ops).containsExactlyInAnyOrder(
        Map.of("op", "test", "path", "/metadata/resourceVersion", "value", "3"),
        Map.of("op", "replace", "path", "/metadata/annotations/getambassador.io~1config", "value", "cfg"),
        Map.of("op", "remove", "path", "/metadata/annotations/dragoman.io~1model-url"));
  }

  @Test
  void nothingToDoIsNoPatch() {
    Map<String, String> current = Map.of(Keys.MANAGED_BY, Keys.MANAGER, Keys.AMBASSADOR_CONFIG, "cfg");
    assertThat(AnnotationPatch.operations(current, APPLY, "3")).isEmpty();
    assertThat(AnnotationPatch.operations(current, Decision.leave(), "3")).isEmpty();
    assertThat(AnnotationPatch.operations(Map.of("a", "b"), Decision.remove(
        new Notice("Normal", "RoutesRemoved", "x")), "3")).isEmpty();
  }

  @Test
  void escapesKeysAsJsonPointer() {
    assertThat(AnnotationPatch.path("a~b/c")).isEqualTo("/metadata/annotations/a~0b~1c");
  }
}
