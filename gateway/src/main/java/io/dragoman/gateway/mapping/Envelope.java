package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every Ambassador object has around its attributes, read from either shape: flat ({@code apiVersion},
 * {@code kind}, {@code name} and attributes side by side) or Kubernetes ({@code metadata.name},
 * {@code metadata.namespace}, attributes under {@code spec}). Fields that are absent or invalid are "" and the
 * problem is recorded; the caller decides which ones the kind needs.
 *
 * @param label how messages name the object: its name when it has a usable one, else its object id
 * @param ambassadorIds never empty: absent (or an empty list) means {@code default}
 */
record Envelope(
    String objectId,
    String label,
    String apiVersion,
    String kind,
    String name,
    String namespace,
    List<String> ambassadorIds,
    Map<?, ?> attributes,
    boolean kubernetesShape) {

  /** Keys of the envelope itself, accepted beside (or inside) the attributes and not treated as attributes. */
  static final Set<String> ENVELOPE_KEYS =
      Set.of("apiVersion", "kind", "name", "namespace", "ambassador_id", "metadata", "spec", "generation");

  private static final Set<String> KUBERNETES_TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  static final String DEFAULT_ID = "default";

  static Envelope read(Map<?, ?> doc, String objectId, String defaultNamespace, Problems problems) {
    boolean k8s = doc.containsKey("metadata") || doc.containsKey("spec");
    Fields top = new Fields(doc, "", problems);
    Fields meta = k8s ? top.block("metadata", "a map with name and namespace").orElse(empty(problems)) : top;
    Fields spec = k8s ? top.block("spec", "a map of attributes").orElse(empty(problems)) : top;
    if (k8s) {
      top.rejectUnknown(KUBERNETES_TOP_LEVEL, Set.of("name", "namespace", "ambassador_id", "generation"));
    }
    String name = meta.string("name", "a string").orElse("");
    if (meta.has("name") && name.isBlank() && meta.raw("name") instanceof String) {
      problems.invalid(meta.field("name"), name, "a non-empty name");
      name = "";
    }
    String namespace = namespace(meta, defaultNamespace);
    Fields idHolder = k8s && spec.has("ambassador_id") ? spec : top;
    return new Envelope(
        objectId,
        name.isEmpty() ? objectId : name,
        top.string("apiVersion", "a string such as getambassador.io/v3alpha1").orElse(""),
        top.string("kind", "a string such as Mapping").orElse(""),
        name,
        namespace,
        ambassadorIds(idHolder),
        spec.map(),
        k8s);
  }

  private static Fields empty(Problems problems) {
    return new Fields(Map.of(), "", problems);
  }

  private static String namespace(Fields meta, String defaultNamespace) {
    Optional<String> ns = meta.string("namespace", "a namespace name");
    if (ns.isEmpty()) return defaultNamespace;
    if (!DNS_LABEL.matcher(ns.get()).matches()) {
      meta.problems().invalid(meta.field("namespace"), ns.get(), "a namespace name (lower case DNS label)");
      return defaultNamespace;
    }
    return ns.get();
  }

  private static List<String> ambassadorIds(Fields holder) {
    Optional<List<String>> ids = holder.stringList("ambassador_id");
    if (ids.isEmpty() || ids.get().isEmpty()) return List.of(DEFAULT_ID);
    return new ArrayList<>(ids.get());
  }

  boolean isFor(String ambassadorId) {
    return ambassadorIds.contains(ambassadorId);
  }
}
