package io.dragoman.gateway.proxy;

/**
 * What the data plane reports, so metrics and logs can hook in without the proxy knowing them. Called on I/O
 * threads: implementations must be cheap and must not block.
 */
public interface ProxyListener {
  ProxyListener NONE = new ProxyListener() {};

  /**
   * A request finished (answered by the upstream or by the gateway).
   *
   * @param mapping the Mapping's name, "" when no route matched
   */
  default void requestCompleted(
      String mapping, String namespace, String method, int status, double seconds) {}

  /** The gateway answered instead of the upstream because of an upstream problem (reason: UF, UT, UR, UO). */
  default void upstreamFailure(String mapping, String namespace, String reason) {}

  /**
   * A shadow copy of a request was not sent: its upstream had too many shadow requests in flight, or the request's
   * body was too large (or of unknown length) to copy.
   *
   * @param mapping the shadow Mapping's name
   */
  default void shadowDropped(String mapping, String namespace) {}

  /** A request was tried again after a failed try ({@code retry_policy}). */
  default void retried(String mapping, String namespace) {}
}
