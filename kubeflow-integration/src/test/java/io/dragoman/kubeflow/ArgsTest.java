package io.dragoman.kubeflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
  @Test
  void repeatableOptionsBothSyntaxesAndPositionals() {
    Args a = Args.parse(List.of("deploy", "m", "--namespace", "a", "--namespace=b", "--replicas", "3"),
        Set.of("namespace", "replicas"));
    assertThat(a.positionals()).containsExactly("deploy", "m");
    assertThat(a.all("namespace")).containsExactly("a", "b");
    assertThat(a.get("namespace", "x")).isEqualTo("b");
    assertThat(a.intValue("replicas", 1, 1)).isEqualTo(3);
    assertThat(a.get("missing", "fallback")).isEqualTo("fallback");
  }

  @Test
  void mistakesNameTheOptionAndWhatWasExpected() {
    assertThatThrownBy(() -> Args.parse(List.of("--namepsace", "a"), Set.of("namespace")))
        .hasMessage("--namepsace: unknown option (expected one of: --namespace)");
    assertThatThrownBy(() -> Args.parse(List.of("--namespace"), Set.of("namespace")))
        .hasMessage("--namespace: no value (expected: --namespace VALUE)");
    assertThatThrownBy(() -> Args.parse(List.of("--replicas", "two"), Set.of("replicas")).intValue("replicas", 1, 1))
        .hasMessage("--replicas: \"two\" (expected: an integer >= 1)");
  }
}
