package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of parsing one source: what has been read so far, and which names are taken (per namespace and kind).
 * Used once, by {@link MappingParser#parse}.
 */
final class SourceRun {
  static final String CONFIG_ANNOTATION = "getambassador.io/config";

  private final SourceObject source;
  private final ParserSettings settings;
  private final SafeYaml yaml;
  private final List<Mapping> mappings = new ArrayList<>();
  private final List<ModuleConfig> modules = new ArrayList<>();
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<Skipped> skipped = new ArrayList<>();
  /** namespace/kind/name to the object id that claimed it first */
  private final Map<String, String> taken = new HashMap<>();
  private int objectCount;
  private Optional<String> unreadable = Optional.empty();

  SourceRun(SourceObject source, ParserSettings settings, SafeYaml yaml) {
    this.source = source;
    this.settings = settings;
    this.yaml = yaml;
  }

  ParsedSource read() {
    SafeYaml.Loaded loaded = yaml.load(source.text());
    if (loaded.failure().isPresent()) return unreadable(loaded.failure().get());
    List<Object> docs = loaded.documents();
    for (int i = 0; i < docs.size() && unreadable.isEmpty(); i++) {
      guarded(docs.get(i), source.key() + "." + (i + 1), source.namespace(), false);
    }
    if (unreadable.isPresent()) return unreadable(unreadable.get());
    return new ParsedSource(
        source.key(), source.namespace(), mappings, modules, errors, skipped, objectCount, false);
  }

  private ParsedSource unreadable(String reason) {
    ConfigError error = new ConfigError(source.key(), source.key(), "", reason);
    return new ParsedSource(
        source.key(), source.namespace(), List.of(), List.of(), List.of(error), List.of(), 0, true);
  }

  /** A bug in reading one object must cost that object only, never the rest of the source. */
  private void guarded(Object doc, String objectId, String namespace, boolean nested) {
    try {
      document(doc, objectId, namespace, nested);
    } catch (RuntimeException e) {
      errors.add(new ConfigError(source.key(), objectId, "", "internal error while reading this object: " + e));
    }
  }

  private void document(Object doc, String objectId, String namespace, boolean nested) {
    if (doc == null) {
      objectCount++;
      skipped.add(new Skipped(source.key(), objectId, "", "empty document"));
      return;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      objectCount++;
      Problems p = new Problems();
      p.invalid("document", doc, "a map of attributes (apiVersion, kind, name, ...)");
      report(objectId, p);
      return;
    }
    Object api = map.get("apiVersion");
    Object kind = map.get("kind");
    if (api instanceof String a && kind instanceof String k && Kinds.isService(a, k)) {
      service(map, objectId, nested);
    } else {
      object(map, objectId, namespace);
    }
  }

  /** A Kubernetes Service manifest: its annotation is a nested stream living in the Service's namespace. */
  private void service(Map<?, ?> service, String objectId, boolean nested) {
    Problems p = new Problems();
    Fields meta = new Fields(service, "", p).block("metadata", "a map").orElse(new Fields(Map.of(), "metadata", p));
    String label = meta.raw("name") instanceof String n && !n.isEmpty() ? n : objectId;
    Object text = meta.block("annotations", "a map of strings").map(a -> a.raw(CONFIG_ANNOTATION)).orElse(null);
    if (nested) {
      p.invalid("kind", "Service", "an Ambassador object (a Service manifest cannot be nested in " + CONFIG_ANNOTATION + ")");
    } else if (text != null && !(text instanceof String)) {
      p.invalid("metadata.annotations." + CONFIG_ANNOTATION, text, "a string holding YAML");
    }
    if (!p.isEmpty()) {
      objectCount++;
      report(label, p);
      return;
    }
    if (text == null) {
      objectCount++;
      skipped.add(new Skipped(source.key(), label, "Service", "Service without " + CONFIG_ANNOTATION));
      return;
    }
    String namespace = meta.raw("namespace") instanceof String ns && !ns.isEmpty() ? ns : source.namespace();
    nested((String) text, objectId, label, namespace);
  }

  private void nested(String text, String objectId, String label, String namespace) {
    SafeYaml.Loaded loaded = yaml.load(text);
    if (loaded.failure().isPresent()) {
      unreadable = Optional.of("Service " + label + " (" + objectId + "): " + CONFIG_ANNOTATION + ": "
          + loaded.failure().get());
      return;
    }
    List<Object> docs = loaded.documents();
    for (int j = 0; j < docs.size(); j++) {
      guarded(docs.get(j), objectId + "." + (j + 1), namespace, true);
    }
  }

  private void object(Map<?, ?> doc, String objectId, String namespace) {
    objectCount++;
    Problems p = new Problems();
    Envelope env = Envelope.read(doc, objectId, namespace, p);
    if (!env.isFor(settings.ambassadorId())) {
      skip(env, "ambassador_id " + Render.value(env.ambassadorIds()) + " does not include "
          + Render.quote(settings.ambassadorId()));
      return;
    }
    if (isForeign(doc, env)) {
      skip(env, "not an Ambassador object (" + env.apiVersion() + " " + env.kind() + ")");
      return;
    }
    checkKind(doc, env, p);
    if (p.isEmpty() && Kinds.NOT_SUPPORTED.contains(env.kind())) {
      skip(env, "not supported yet");
      return;
    }
    if (p.isEmpty() && env.kind().equals(Kinds.MODULE) && !env.name().equals(Kinds.AMBASSADOR_MODULE)) {
      skip(env, "not supported yet (only the Module named " + Kinds.AMBASSADOR_MODULE + " is read)");
      return;
    }
    readObject(doc, env, p);
  }

  /** Another Kubernetes object in the same manifest file (a Deployment, a ConfigMap): not ours to judge. */
  private static boolean isForeign(Map<?, ?> doc, Envelope env) {
    return doc.get("apiVersion") instanceof String api && !api.isEmpty() && !Kinds.isAmbassadorApi(api)
        && !Kinds.isAmbassadorKind(env.kind());
  }

  private static void checkKind(Map<?, ?> doc, Envelope env, Problems p) {
    String versions = String.join(", ", Kinds.API_VERSIONS);
    if (!doc.containsKey("apiVersion")) {
      p.missing("apiVersion", "one of " + versions);
    } else if (doc.get("apiVersion") instanceof String && !Kinds.API_VERSIONS.contains(env.apiVersion())) {
      p.invalid("apiVersion", env.apiVersion(), "one of " + versions);
    }
    if (!doc.containsKey("kind")) {
      p.missing("kind", "Mapping, Module or another Ambassador kind");
    } else if (doc.get("kind") instanceof String && !Kinds.isAmbassadorKind(env.kind())) {
      p.invalid("kind", env.kind(), "Mapping, Module or another Ambassador kind");
    }
  }

  private void readObject(Map<?, ?> doc, Envelope env, Problems p) {
    String nameField = env.kubernetesShape() ? "metadata.name" : "name";
    if (env.name().isEmpty() && p.list().stream().noneMatch(x -> x.field().equals(nameField))) {
      p.missing(nameField, "a name for this " + (env.kind().isEmpty() ? "object" : env.kind()));
    }
    claimName(env, nameField, p);
    if (env.kind().equals(Kinds.MODULE)) {
      ModuleReader.read(env, source.key(), p).ifPresent(modules::add);
    } else if (env.kind().equals(Kinds.MAPPING)) {
      MappingReader.read(env, source.key(), p).ifPresent(mappings::add);
    }
    report(env.label(), p);
  }

  /** The first object with a name keeps it, even if it has other errors, so fixing it never moves the error. */
  private void claimName(Envelope env, String nameField, Problems p) {
    if (env.name().isEmpty() || !Kinds.isAmbassadorKind(env.kind())) return;
    String key = env.namespace() + "/" + env.kind() + "/" + env.name();
    String first = taken.putIfAbsent(key, env.objectId());
    if (first != null) {
      p.invalid(nameField, env.name(), "a name not used by another " + env.kind() + " in namespace "
          + env.namespace() + " (" + first + " has it)");
    }
  }

  private void skip(Envelope env, String reason) {
    skipped.add(new Skipped(source.key(), env.label(), env.kind(), reason));
  }

  private void report(String object, Problems p) {
    for (Problems.Problem problem : p.list()) {
      errors.add(new ConfigError(source.key(), object, problem.field(), problem.message()));
    }
  }
}
