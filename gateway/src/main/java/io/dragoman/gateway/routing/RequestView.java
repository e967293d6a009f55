package io.dragoman.gateway.routing;

/**
 * What route matching may look at in a request. The proxy adapts its exchange to this; tests use plain objects.
 * Implementations return {@code null} for an absent header or parameter.
 */
public interface RequestView {
  /** upper-case method, e.g. {@code POST} */
  String method();

  /** the normalised path, without the query string; starts with {@code /} */
  String path();

  /** the Host (authority) without its port, lower case; "" when absent */
  String host();

  /** the first value of a header; {@code lowerCaseName} is lower case; null when absent */
  String header(String lowerCaseName);

  /** the first value of a query parameter, percent-decoded; null when absent */
  String queryParameter(String name);
}
