package io.dragoman.gateway.source.kubernetes;

import static io.dragoman.gateway.source.kubernetes.K8sFixtures.annotated;
import static io.dragoman.gateway.source.kubernetes.K8sFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.SourceObject;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSourcesTest {
  @Test
  void anAnnotatedServiceBecomesASourceKeyedByNameAndNamespace() {
    Service s = service("quote", "shop", Map.of("app", "quote", "tier", "web"), "text: 1\n");

    assertThat(ServiceSources.toSource(s))
        .contains(new SourceObject("quote.shop", "shop", Map.of("app", "quote", "tier", "web"), "text: 1\n"));
  }

  @Test
  void aServiceWithoutTheAnnotationIsNoSource() {
    Service noAnnotations = service("plain", "default", Map.of(), null);
    Service otherAnnotation =
        new ServiceBuilder(noAnnotations)
            .editMetadata()
            .addToAnnotations("prometheus.io/scrape", "true")
            .endMetadata()
            .build();

    assertThat(ServiceSources.toSource(noAnnotations)).isEmpty();
    assertThat(ServiceSources.toSource(otherAnnotation)).isEmpty();
  }

  @Test
  void anAnnotationSetToNullCountsAsRemoved() {
    // A JSON merge patch {"k": null} removes k on a real API server; the mock server stores the null instead.
    Service s = annotated("quote", "default", "x");
    Map<String, String> annotations = new HashMap<>();
    annotations.put(ServiceSources.ANNOTATION, null);
    s.getMetadata().setAnnotations(annotations);

    assertThat(ServiceSources.toSource(s)).isEmpty();
  }

  @Test
  void anEmptyAnnotationIsASourceWithNoText() {
    assertThat(ServiceSources.toSource(annotated("quote", "default", "")))
        .contains(new SourceObject("quote.default", "default", Map.of(), ""));
  }

  @Test
  void nullLabelsAreDroppedAndMissingLabelsAreEmpty() {
    Service s = annotated("quote", "default", "x");
    Map<String, String> labels = new HashMap<>();
    labels.put("app", "quote");
    labels.put("broken", null);
    s.getMetadata().setLabels(labels);
    Service unlabelled = annotated("plain", "default", "x");
    unlabelled.getMetadata().setLabels(null);

    assertThat(ServiceSources.toSource(s).orElseThrow().labels()).isEqualTo(Map.of("app", "quote"));
    assertThat(ServiceSources.toSource(unlabelled).orElseThrow().labels()).isEmpty();
  }

  @Test
  void theKeyIsServiceDotNamespace() {
    assertThat(ServiceSources.key(annotated("tf-serving", "kubeflow", "x"))).isEqualTo("tf-serving.kubeflow");
  }
}
