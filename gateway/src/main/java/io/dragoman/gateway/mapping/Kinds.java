package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The apiVersions and kinds of the Ambassador object model, and what Dragoman does with each. */
final class Kinds {
  static final List<String> API_VERSIONS =
      List.of(
          "ambassador/v0", "ambassador/v1", "getambassador.io/v0", "getambassador.io/v1", "getambassador.io/v2",
          "getambassador.io/v3alpha1");
  static final String MAPPING = "Mapping";
  static final String MODULE = "Module";
  static final String AMBASSADOR_MODULE = "ambassador";

  /** Ambassador, Emissary and Edge Stack kinds Dragoman knows of but does not implement: listed as skipped. */
  static final Set<String> NOT_SUPPORTED =
      Set.of(
          "AuthService", "RateLimitService", "TLSContext", "TracingService", "TCPMapping", "Host", "Listener",
          "KubernetesServiceResolver", "KubernetesEndpointResolver", "ConsulResolver", "LogService", "DevPortal",
          "Filter", "FilterPolicy", "RateLimit");

  private Kinds() {}

  static boolean isAmbassadorKind(String kind) {
    return kind.equals(MAPPING) || kind.equals(MODULE) || NOT_SUPPORTED.contains(kind);
  }

  /** An apiVersion that claims to be Ambassador's, so an unknown kind or version under it is a mistake. */
  static boolean isAmbassadorApi(String apiVersion) {
    return apiVersion.toLowerCase(Locale.ROOT).contains("ambassador");
  }

  /** A Kubernetes manifest that may carry Ambassador objects in its {@code getambassador.io/config} annotation. */
  static boolean isService(String apiVersion, String kind) {
    return apiVersion.equals("v1") && kind.equals("Service");
  }
}
