package io.dragoman.kubeflow.models;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Server-side apply with a fallback: an API server that answers 404 or 415 to an apply patch (older servers, and
 * the mock server in tests) gets create-or-replace instead. Either way, applying the same object twice changes
 * nothing the second time.
 */
final class Applier {
  static final String FIELD_MANAGER = "dragoman-models";

  private final KubernetesClient client;

  Applier(KubernetesClient client) {
    this.client = client;
  }

  <T extends HasMetadata> T apply(T desired) {
    try {
      return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 415) throw e;
      return createOrReplace(desired);
    }
  }

  private <T extends HasMetadata> T createOrReplace(T desired) {
    T existing = client.resource(desired).get();
    if (existing == null) return client.resource(desired).create();
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    // Annotations written by others (the controller's routes) must survive a re-deploy.
    desired.getMetadata().setAnnotations(existing.getMetadata().getAnnotations());
    if (desired instanceof Service s && existing instanceof Service old && old.getSpec() != null) {
      // Allocated by the server and immutable: a replace must carry them over.
      s.getSpec().setClusterIP(old.getSpec().getClusterIP());
      s.getSpec().setClusterIPs(old.getSpec().getClusterIPs());
    }
    return client.resource(desired).update();
  }
}
