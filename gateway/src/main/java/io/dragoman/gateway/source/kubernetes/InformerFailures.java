package io.dragoman.gateway.source.kubernetes;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

/**
 * Decides whether an informer keeps retrying after a failed list or watch. fabric8's default stops the informer on
 * any failure before the first list and on any non-410 watch failure afterwards; a gateway must instead ride out an
 * API server that is unreachable, restarting or overloaded. It stops only where waiting cannot help and a fresh
 * process can: then liveness fails and Kubernetes restarts the pod.
 */
final class InformerFailures implements ExceptionHandler {
  static final InformerFailures INSTANCE = new InformerFailures();

  private InformerFailures() {}

  @Override
  public boolean retryAfterException(boolean isStarted, Throwable t) {
    return retry(t);
  }

  /**
   * False for:
   *
   * <ul>
   *   <li>a JVM {@link Error} (out of memory, a linkage error): the process is not in a state to trust;
   *   <li>a response that does not deserialize into a Service: the same bytes come back on every retry;
   *   <li>a certificate the client does not trust: it keeps the CA bundle it read at start, while a restarted pod
   *       reads the rotated one from its service account. Only certificate failures count: a handshake cut short
   *       by a restarting API server is transient, and restarting every replica for it would be an outage.
   * </ul>
   *
   * True for everything else: refused connections, timeouts, 5xx, 429, 403 (RBAC can be fixed while we wait), watches
   * closed by the server.
   */
  static boolean retry(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof Error || isTrustFailure(c)) {
        return false;
      }
    }
    return !ExceptionHandler.isDeserializationException(t);
  }

  private static boolean isTrustFailure(Throwable t) {
    return t instanceof CertificateException
        || t instanceof CertPathValidatorException
        || t instanceof CertPathBuilderException;
  }
}
