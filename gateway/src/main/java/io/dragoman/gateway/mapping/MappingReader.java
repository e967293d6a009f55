package io.dragoman.gateway.mapping;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns one {@code kind: Mapping} object's attributes into a {@link Mapping}, or records every problem with it. */
final class MappingReader {
  /** Accepted and shown in diagnostics, but without effect on routing. */
  static final Set<String> INFORMATIONAL =
      Set.of(
          "rate_limits", "labels", "bypass_auth", "docs", "priority", "envoy_override", "add_linkerd_headers",
          "cluster_tag", "load_balancer",
          // Emissary tuning knobs whose absence changes no routing decision: shown, so nobody wonders.
          "stats_name", "v3StatsName", "resolver", "keepalive", "dns_type", "respect_dns_ttl", "enable_ipv4",
          "enable_ipv6", "cluster_max_connection_lifetime_ms", "auth_context_extensions", "health_checks",
          "error_response_overrides", "bypass_error_response_overrides");
  private static final Set<String> BOOLEAN_INFORMATIONAL = Set.of("bypass_auth", "add_linkerd_headers");
  private static final Set<String> SERVICE_KEYS = Set.of("service", "tls");
  /** Known to Emissary, but ignoring them would change what the client gets: refused until implemented. */
  private static final Set<String> NOT_SUPPORTED = Set.of("regex_redirect");
  static final Set<String> KNOWN = known();

  private MappingReader() {}

  static Optional<Mapping> read(Envelope env, String source, Problems problems) {
    Fields f = new Fields(env.attributes(), "", problems);
    f.rejectUnknown(KNOWN, Envelope.ENVELOPE_KEYS);
    Optional<MatchSpec> match = MatchReader.read(f);
    Optional<ServiceRef> service = service(f, env.namespace());
    ForwardSpec forward = ForwardReader.read(f);
    PolicySpec policies = PolicyReader.read(f, f.raw("service") instanceof String s ? s : "");
    notSupported(f);
    Map<String, Object> informational = informational(f);
    if (!problems.isEmpty() || match.isEmpty() || service.isEmpty()) return Optional.empty();
    return Optional.of(
        new Mapping(
            env.name(), env.namespace(), source, env.objectId(), env.apiVersion(), match.get(), service.get(),
            forward, policies, informational));
  }

  private static Optional<ServiceRef> service(Fields f, String namespace) {
    String expected = "a service such as name, name.namespace:port or https://host";
    boolean tls = tls(f);
    if (!f.has("service")) {
      f.problems().missing(f.field("service"), expected);
      return Optional.empty();
    }
    return f.string("service", expected)
        .flatMap(s -> ServiceParser.parse(f.field("service"), s, namespace, tls, f.problems()));
  }

  /** {@code tls: true} originates TLS as {@code https://} does; Ambassador's TLSContext names are not read yet. */
  private static boolean tls(Fields f) {
    Object v = f.raw("tls");
    if (v instanceof String) {
      f.problems().invalid(f.field("tls"), v, "true or false (TLSContext names are not supported yet)");
      return false;
    }
    return f.bool("tls", false);
  }

  private static void notSupported(Fields f) {
    for (String key : NOT_SUPPORTED) {
      if (f.map().containsKey(key)) {
        f.problems().add(f.field(key), f.field(key) + ": not supported yet (expected: prefix_redirect or path_redirect)");
      }
    }
  }

  private static Map<String, Object> informational(Fields f) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object key : f.map().keySet()) {
      if (!(key instanceof String k) || !INFORMATIONAL.contains(k)) continue;
      Object v = f.raw(k);
      if (BOOLEAN_INFORMATIONAL.contains(k)) {
        f.bool(k).ifPresent(b -> out.put(k, b));
      } else if (!YamlBudget.fits(v, YamlBudget.MAX_VALUES)) {
        f.problems().invalid(f.field(k), v, "at most " + YamlBudget.MAX_VALUES + " values");
      } else {
        out.put(k, v);
      }
    }
    return out;
  }

  private static Set<String> known() {
    Set<String> all = new HashSet<>(MatchReader.KEYS);
    all.addAll(ForwardReader.KEYS);
    all.addAll(PolicyReader.KEYS);
    all.addAll(SERVICE_KEYS);
    all.addAll(INFORMATIONAL);
    all.addAll(NOT_SUPPORTED);
    return Set.copyOf(all);
  }
}
