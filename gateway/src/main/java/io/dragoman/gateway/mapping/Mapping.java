package io.dragoman.gateway.mapping;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One validated {@code kind: Mapping}.
 *
 * @param source the source key it came from ({@code httpbin.default}, {@code local/models.yaml})
 * @param objectId {@code <source>.<index>}, 1-based, for messages about this object
 * @param informational attributes accepted and shown but not acted on ({@code docs}, {@code bypass_auth},
 *     {@code envoy_override}, {@code rate_limits}, {@code labels}, {@code priority}), as parsed YAML values
 */
public record Mapping(
    String name,
    String namespace,
    String source,
    String objectId,
    String apiVersion,
    MatchSpec match,
    ServiceRef service,
    ForwardSpec forward,
    PolicySpec policies,
    Map<String, Object> informational) {

  public Mapping {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(objectId, "objectId");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(forward, "forward");
    Objects.requireNonNull(policies, "policies");
    informational = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(informational));
  }

  /** A builder for tests and generated Mappings; the parser fills every field itself. */
  public static Builder builder(String name, String prefix, ServiceRef service) {
    return new Builder(name, MatchSpec.prefix(prefix), service);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, match, service);
    b.namespace = namespace;
    b.source = source;
    b.objectId = objectId;
    b.apiVersion = apiVersion;
    b.forward = forward;
    b.policies = policies;
    b.informational = informational;
    return b;
  }

  public static final class Builder {
    private final String name;
    private MatchSpec match;
    private ServiceRef service;
    private String namespace = "default";
    private String source = "test";
    private String objectId = "test.1";
    private String apiVersion = "getambassador.io/v3alpha1";
    private ForwardSpec forward = ForwardSpec.DEFAULTS;
    private PolicySpec policies = PolicySpec.DEFAULTS;
    private Map<String, Object> informational = Map.of();

    private Builder(String name, MatchSpec match, ServiceRef service) {
      this.name = name;
      this.match = match;
      this.service = service;
    }

    public Builder namespace(String v) { namespace = v; return this; }
    public Builder source(String v) { source = v; return this; }
    public Builder objectId(String v) { objectId = v; return this; }
    public Builder apiVersion(String v) { apiVersion = v; return this; }
    public Builder match(MatchSpec v) { match = v; return this; }
    public Builder service(ServiceRef v) { service = v; return this; }
    public Builder forward(ForwardSpec v) { forward = v; return this; }
    public Builder policies(PolicySpec v) { policies = v; return this; }
    public Builder informational(Map<String, Object> v) { informational = v; return this; }

    public Mapping build() {
      return new Mapping(
          name, namespace, source, objectId, apiVersion, match, service, forward, policies, informational);
    }
  }
}
