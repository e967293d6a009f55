package io.dragoman.gateway.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.source.kubernetes.KubernetesSourceSettings.LabelMatch;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubernetesSourceSettingsTest {
  @Test
  void aSelectorIsOneKeyAndValue() {
    assertThat(LabelMatch.parse("app=quote")).isEqualTo(new LabelMatch("app", "quote"));
    assertThat(LabelMatch.parse(" getambassador.io/gateway = edge ")).isEqualTo(new LabelMatch("getambassador.io/gateway", "edge"));
    assertThat(LabelMatch.parse("exposed=")).isEqualTo(new LabelMatch("exposed", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app", "=quote", "app!=quote", "app==quote", "a=b,c=d", "app in (a)", "a b=c", "app=a b"})
  void anythingElseIsRefusedWithTheExpectedForm(String selector) {
    assertThatThrownBy(() -> LabelMatch.parse(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labelSelector: \"" + selector + "\" (expected: key=value)");
  }

  @Test
  void theSettingsValidateTheirFields() {
    assertThatThrownBy(() -> new KubernetesSourceSettings("default", false, Optional.of("app"), Duration.ZERO))
        .hasMessage("labelSelector: \"app\" (expected: key=value)");
    assertThatThrownBy(() -> new KubernetesSourceSettings(" ", false, Optional.empty(), Duration.ZERO))
        .hasMessage("namespace: \" \" (expected: a namespace name)");
    assertThatThrownBy(() -> new KubernetesSourceSettings("default", false, Optional.empty(), Duration.ofSeconds(-1)))
        .hasMessage("resync: PT-1S (expected: >= 0)");
  }

  @Test
  void clusterWideHasNoSelectorAndNoResync() {
    KubernetesSourceSettings s = KubernetesSourceSettings.clusterWide("ambassador");

    assertThat(s).isEqualTo(new KubernetesSourceSettings("ambassador", false, Optional.empty(), Duration.ZERO));
    assertThat(s.labelMatch()).isEmpty();
    assertThat(new KubernetesSourceSettings("a", true, Optional.of("k=v"), Duration.ZERO).labelMatch())
        .contains(new LabelMatch("k", "v"));
  }
}
