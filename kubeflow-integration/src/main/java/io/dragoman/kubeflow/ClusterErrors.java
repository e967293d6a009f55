package io.dragoman.kubeflow;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;

/** Turns a failed Kubernetes request into one line a user can act on: no cluster, no permission, or the answer. */
public final class ClusterErrors {
  private ClusterErrors() {}

  /** @param needs what the account must be allowed, said when the server answers 403 */
  public static String explain(KubernetesClient client, KubernetesClientException e, String needs) {
    String server = client.getConfiguration().getMasterUrl();
    if (e.getCode() == 403) {
      return "permission denied by the API server at " + server + ": " + statusMessage(e)
          + " (the account needs " + needs + ")";
    }
    if (e.getCode() == 401) {
      return "the API server at " + server + " refused the credentials (401): check your kubeconfig";
    }
    if (e.getCode() > 0) return "the API server at " + server + " answered " + e.getCode() + ": " + statusMessage(e);
    Throwable io = null;
    for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof IOException) io = t; // the deepest one names the host or the refusal
    }
    if (io != null) {
      return "no Kubernetes cluster reachable at " + server + " (" + io.getClass().getSimpleName()
          + (io.getMessage() == null ? "" : ": " + io.getMessage()) + "); set KUBECONFIG or run inside a cluster";
    }
    return "Kubernetes request failed: " + e.getMessage();
  }

  private static String statusMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
  }
}
