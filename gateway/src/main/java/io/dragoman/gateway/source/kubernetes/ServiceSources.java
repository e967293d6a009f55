package io.dragoman.gateway.source.kubernetes;

import io.dragoman.gateway.mapping.SourceObject;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Optional;

/** Turns a Service into the configuration source its annotation holds. Pure: no I/O, no state. */
final class ServiceSources {
  /** The annotation Ambassador users already write. */
  static final String ANNOTATION = "getambassador.io/config";

  private ServiceSources() {}

  /** {@code <service>.<namespace>}, the source key DESIGN.md fixes. */
  static String key(Service service) {
    ObjectMeta meta = service.getMetadata();
    return meta.getName() + "." + meta.getNamespace();
  }

  /**
   * The Service's source, or empty when it carries no annotation. An annotation mapped to {@code null} counts as
   * absent: that is what a JSON merge patch setting it to {@code null} means on a real API server.
   */
  static Optional<SourceObject> toSource(Service service) {
    ObjectMeta meta = service.getMetadata();
    if (meta == null || meta.getName() == null || meta.getNamespace() == null) {
      return Optional.empty();
    }
    Map<String, String> annotations = meta.getAnnotations();
    String text = annotations == null ? null : annotations.get(ANNOTATION);
    if (text == null) {
      return Optional.empty();
    }
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : withoutNulls(meta.getLabels());
    return Optional.of(new SourceObject(key(service), meta.getNamespace(), labels, text));
  }

  /** Map.copyOf in SourceObject rejects null values, which a hand-written manifest can carry. */
  private static Map<String, String> withoutNulls(Map<String, String> labels) {
    if (!labels.containsValue(null) && !labels.containsKey(null)) {
      return labels;
    }
    Map<String, String> copy = new java.util.HashMap<>(labels);
    copy.entrySet().removeIf(e -> e.getKey() == null || e.getValue() == null);
    return copy;
  }
}
