package io.dragoman.kubeflow.controller;

import java.util.List;

/**
 * Writes the Mappings that route one Service's models (the table in docs/kubeflow.md). Each route matches one
 * exact path or an anchored regex, so nothing longer under {@code /models/<model>/} reaches the model: the gateway
 * answers 404 instead of forwarding a mangled path.
 */
final class ModelRoutes {
  static final String API_VERSION = "getambassador.io/v2";

  private ModelRoutes() {}

  /**
   * @param models safe names (see {@link ModelNames}): they go into regexes and paths unescaped but for dots
   * @param timeoutMs for the POST routes (inference); the GET routes keep the gateway's default
   */
  static String yaml(String namespace, String service, int port, List<String> models, long timeoutMs) {
    String upstream = service + "." + namespace + ":" + port;
    StringBuilder out = new StringBuilder();
    for (String model : models) {
      String name = "tfserving-" + namespace + "-" + service + "-" + model;
      String path = "/models/" + model;
      String regexPath = "/models/" + model.replace(".", "\\.");
      String api = "/v1/models/" + model;
      mapping(out, name + "-predict", regexPath + "/?", true, false, "POST", upstream, timeoutMs)
          .append("rewrite: ").append(quote(api + ":predict")).append('\n');
      mapping(out, name + "-predict-version", regexPath + "/versions/[0-9]+/?", true, false, "POST", upstream,
          timeoutMs)
          .append("regex_rewrite:\n")
          .append("  pattern: ").append(quote("^" + regexPath + "/versions/([0-9]+)/?$")).append('\n')
          .append("  substitution: ").append(quote(api + "/versions/\\1:predict")).append('\n');
      mapping(out, name + "-classify", path + "/classify", false, true, "POST", upstream, timeoutMs)
          .append("rewrite: ").append(quote(api + ":classify")).append('\n');
      mapping(out, name + "-regress", path + "/regress", false, true, "POST", upstream, timeoutMs)
          .append("rewrite: ").append(quote(api + ":regress")).append('\n');
      mapping(out, name + "-status", regexPath + "/?", true, false, "GET", upstream, -1)
          .append("rewrite: ").append(quote(api)).append('\n');
      mapping(out, name + "-metadata", path + "/metadata", false, true, "GET", upstream, -1)
          .append("rewrite: ").append(quote(api + "/metadata")).append('\n');
    }
    return out.toString();
  }

  private static StringBuilder mapping(StringBuilder out, String name, String prefix, boolean regex, boolean exact,
      String method, String upstream, long timeoutMs) {
    out.append("---\n")
        .append("apiVersion: ").append(API_VERSION).append('\n')
        .append("kind: Mapping\n")
        .append("name: ").append(quote(name)).append('\n')
        .append("prefix: ").append(quote(prefix)).append('\n');
    if (regex) out.append("prefix_regex: true\n");
    if (exact) out.append("prefix_exact: true\n");
    out.append("method: ").append(method).append('\n')
        .append("service: ").append(quote(upstream)).append('\n');
    if (timeoutMs >= 0) out.append("timeout_ms: ").append(timeoutMs).append('\n');
    return out;
  }

  /** YAML single quotes: backslashes stay literal; safe names and Kubernetes names hold no quote. */
  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
