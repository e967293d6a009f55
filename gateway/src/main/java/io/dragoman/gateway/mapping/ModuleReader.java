package io.dragoman.gateway.mapping;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the {@code ambassador} Module's {@code config}: the defaults Dragoman applies to every Mapping. Config keys
 * it does not act on (diagnostics, use_remote_address, ...) are kept in {@code raw} without error, because the same
 * Module configures features Dragoman does not have and users should not have to split it.
 */
final class ModuleReader {
  private static final Set<String> ATTRIBUTES = Set.of("config");
  private static final Set<String> READ =
      Set.of(
          "cors", "timeout_ms", "cluster_request_timeout_ms", "connect_timeout_ms", "idle_timeout_ms",
          "cluster_idle_timeout_ms", "add_request_headers", "add_response_headers");

  private ModuleReader() {}

  static Optional<ModuleConfig> read(Envelope env, String source, Problems problems) {
    Fields attrs = new Fields(env.attributes(), "", problems);
    attrs.rejectUnknown(ATTRIBUTES, Envelope.ENVELOPE_KEYS);
    Fields c = attrs.block("config", "a map of settings").orElse(new Fields(Map.of(), "config", problems));
    ModuleConfig module =
        new ModuleConfig(
            source,
            env.objectId(),
            env.namespace(),
            CorsReader.read(c, "cors"),
            either(c, "timeout_ms", "cluster_request_timeout_ms"),
            c.millis("connect_timeout_ms"),
            either(c, "idle_timeout_ms", "cluster_idle_timeout_ms"),
            HeaderReader.headersToAdd(c, "add_request_headers"),
            HeaderReader.headersToAdd(c, "add_response_headers"),
            raw(c));
    return problems.isEmpty() ? Optional.of(module) : Optional.empty();
  }

  /** One limit under its current name or Ambassador's older one; both at once is ambiguous. */
  private static OptionalLong either(Fields c, String key, String older) {
    if (c.has(key) && c.has(older)) {
      c.problems().invalid(c.field(older), c.raw(older), "not together with " + key + " (they set the same limit)");
      return OptionalLong.empty();
    }
    return c.has(older) ? c.millis(older) : c.millis(key);
  }

  private static Map<String, Object> raw(Fields c) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : c.map().entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        c.problems().invalid(c.field(Render.value(e.getKey())), e.getKey(), "a setting name (a string)");
        continue;
      }
      if (READ.contains(k) || e.getValue() == null) continue;
      if (YamlBudget.fits(e.getValue(), YamlBudget.MAX_VALUES)) {
        out.put(k, e.getValue());
      } else {
        c.problems().invalid(c.field(k), e.getValue(), "at most " + YamlBudget.MAX_VALUES + " values");
      }
    }
    return out;
  }
}
