package io.dragoman.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Cors;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Skipped;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.SourceInfo;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The diagnostics page as JSON ({@code /ambassador/v0/diag/?json=true}). Field names are snake_case like the
 * Mapping YAML, and are a contract: scripts and tests read them.
 */
public final class DiagnosticsJson {
  // Configured once and never changed: ObjectWriter is immutable and thread-safe.
  private static final ObjectWriter WRITER = new ObjectMapper().writerWithDefaultPrettyPrinter();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DiagnosticsJson() {}

  public static String render(RouteTable table, DiagInfo info) {
    try {
      return WRITER.writeValueAsString(tree(table, info));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode tree(RouteTable table, DiagInfo info) {
    ObjectNode root = NODES.objectNode();
    root.put("ambassador_id", info.ambassadorId());
    root.put("namespace", info.gatewayNamespace());
    root.put("version", info.version());
    root.put("ready", info.ready());
    root.put("started_at", info.startedAt().toString());
    root.put("generation", table.generation());
    root.put("built_at", table.builtAt().toString());
    root.put("route_count", table.routeCount());
    root.put("error_count", table.errors().size());
    ArrayNode routes = root.putArray("routes");
    for (DiagRoutes.Row row : DiagRoutes.inMatchOrder(table)) routes.add(route(row));
    ArrayNode errors = root.putArray("errors");
    for (ConfigError e : table.errors()) errors.add(error(e));
    ArrayNode skipped = root.putArray("skipped");
    for (Skipped s : table.skipped()) skipped.add(skipped(s));
    ArrayNode sources = root.putArray("sources");
    for (SourceInfo s : table.sources()) sources.add(source(s));
    return root;
  }

  private static ObjectNode route(DiagRoutes.Row row) {
    Route route = row.route();
    Mapping m = route.mapping();
    ObjectNode n = NODES.objectNode();
    n.put("name", m.name());
    n.put("namespace", m.namespace());
    n.put("source", m.source());
    n.put("object", m.objectId());
    putMatch(n, m.match());
    putForward(n, m.forward(), route);
    n.set("cors", route.cors().map(DiagnosticsJson::cors).orElse(null));
    n.put("weight", DiagRoutes.percent(route));
    n.put("shadow", row.shadow());
    n.put("group", row.groupIndex());
    n.put("shared_across_namespaces", row.group().sharedAcrossNamespaces());
    n.set("informational", informational(m.informational()));
    n.set("upstreams", upstreams(row.group()));
    return n;
  }

  private static void putMatch(ObjectNode n, MatchSpec match) {
    n.put("prefix", match.prefix());
    n.put("prefix_regex", match.prefixRegex());
    n.put("prefix_exact", match.prefixExact());
    n.put("case_sensitive", match.caseSensitive());
    n.put("method", match.method());
    n.put("method_regex", match.methodRegex());
    n.set("headers", conditions(match.headers()));
    n.set("query_parameters", conditions(match.queryParameters()));
    n.put("host", match.host());
    n.put("host_regex", match.hostRegex());
    n.put("precedence", match.precedence());
  }

  private static void putForward(ObjectNode n, ForwardSpec forward, Route route) {
    n.put("rewrite", forward.rewrite());
    n.set(
        "regex_rewrite",
        forward
            .regexRewrite()
            .map(r -> NODES.objectNode().put("pattern", r.pattern()).put("substitution", r.substitution()))
            .orElse(null));
    n.put("host_rewrite", forward.hostRewrite());
    n.put("auto_host_rewrite", forward.autoHostRewrite());
    n.put("timeout_ms", route.timeoutMs());
    n.put("connect_timeout_ms", route.connectTimeoutMs());
    n.put("idle_timeout_ms", route.idleTimeoutMs());
    n.put("grpc", forward.grpc());
  }

  private static ArrayNode conditions(List<Condition> conditions) {
    ArrayNode a = NODES.arrayNode();
    for (Condition c : conditions) {
      a.addObject().put("name", c.name()).put("kind", c.kind().name().toLowerCase(Locale.ROOT)).put("value", c.value());
    }
    return a;
  }

  private static ObjectNode cors(Cors cors) {
    ObjectNode n = NODES.objectNode();
    n.set("origins", strings(cors.origins()));
    n.set("methods", strings(cors.methods()));
    n.set("headers", strings(cors.headers()));
    n.put("credentials", cors.credentials());
    n.set("exposed_headers", strings(cors.exposedHeaders()));
    if (cors.maxAgeSeconds().isPresent()) {
      n.put("max_age", cors.maxAgeSeconds().getAsLong());
    } else {
      n.putNull("max_age");
    }
    return n;
  }

  private static ArrayNode upstreams(RouteGroup group) {
    ArrayNode a = NODES.arrayNode();
    for (Route r : group.members()) a.add(upstream(r, false));
    for (Route r : group.shadows()) a.add(upstream(r, true));
    return a;
  }

  private static ObjectNode upstream(Route r, boolean shadow) {
    Mapping m = r.mapping();
    return NODES
        .objectNode()
        .put("name", m.name())
        .put("namespace", m.namespace())
        .put("service", m.service().raw())
        .put("target", DiagRoutes.target(m.service()))
        .put("weight", DiagRoutes.percent(r))
        .put("shadow", shadow);
  }

  private static ObjectNode error(ConfigError e) {
    return NODES
        .objectNode()
        .put("source", e.source())
        .put("object", e.object())
        .put("field", e.field())
        .put("message", e.message());
  }

  private static ObjectNode skipped(Skipped s) {
    return NODES
        .objectNode()
        .put("source", s.source())
        .put("object", s.object())
        .put("kind", s.kind())
        .put("reason", s.reason());
  }

  private static ObjectNode source(SourceInfo s) {
    return NODES
        .objectNode()
        .put("key", s.key())
        .put("namespace", s.namespace())
        .put("objects", s.objects())
        .put("errors", s.errors())
        .put("stale", s.stale());
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /**
   * Parsed YAML values as JSON. Only the plain YAML types are mapped structurally; anything else (a timestamp, a
   * binary) is shown as its text, so an odd annotation can never make diagnostics fail.
   */
  private static ObjectNode informational(Map<String, Object> values) {
    ObjectNode n = NODES.objectNode();
    values.forEach((k, v) -> n.set(k, value(v)));
    return n;
  }

  private static JsonNode value(Object v) {
    if (v == null) return NODES.nullNode();
    if (v instanceof String s) return NODES.textNode(s);
    if (v instanceof Boolean b) return NODES.booleanNode(b);
    if (v instanceof Integer i) return NODES.numberNode(i);
    if (v instanceof Long l) return NODES.numberNode(l);
    if (v instanceof Double d) return NODES.numberNode(d);
    if (v instanceof BigInteger b) return NODES.numberNode(b);
    if (v instanceof Map<?, ?> map) {
      ObjectNode n = NODES.objectNode();
      map.forEach((k, x) -> n.set(String.valueOf(k), value(x)));
      return n;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode();
      list.forEach(x -> a.add(value(x)));
      return a;
    }
    return NODES.textNode(String.valueOf(v));
  }
}
