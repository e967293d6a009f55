package io.dragoman.kubeflow.controller;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the controller runs.
 *
 * @param namespaces the namespaces to watch; empty for all
 * @param publicUrl base of the model URLs; "" for the path alone
 * @param identity this replica's name in the Lease and in Events (the pod name in a cluster)
 * @param leaseNamespace where the Lease lives (the controller's own namespace)
 * @param resync how often every Service is reconciled again even without a change
 */
public record ControllerSettings(
    List<String> namespaces, String publicUrl, String identity, String leaseNamespace, Duration resync) {
  public static final String LEASE_NAME = "dragoman-kubeflow";

  public ControllerSettings {
    namespaces = List.copyOf(namespaces);
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    if (resync.isNegative()) throw new IllegalArgumentException("resync: " + resync + " (expected: >= 0)");
  }
}
