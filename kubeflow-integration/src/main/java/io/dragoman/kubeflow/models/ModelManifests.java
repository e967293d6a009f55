package io.dragoman.kubeflow.models;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;

/** The Deployment and Service of one TF Serving model, as {@code models deploy} applies them. Pure. */
final class ModelManifests {
  static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  static final String MANAGER = "dragoman-models";
  static final int GRPC_PORT = 8500;
  static final int REST_PORT = 8501;

  private ModelManifests() {}

  static Map<String, String> selector(ModelSpec spec) {
    return Map.of(INSTANCE_LABEL, spec.name());
  }

  private static Map<String, String> labels(ModelSpec spec) {
    return Map.of("app.kubernetes.io/name", "tf-serving", INSTANCE_LABEL, spec.name(), MANAGED_BY_LABEL, MANAGER);
  }

  static Deployment deployment(ModelSpec spec) {
    return new DeploymentBuilder()
        .withNewMetadata()
            .withName(spec.name()).withNamespace(spec.namespace()).withLabels(labels(spec))
        .endMetadata()
        .withNewSpec()
            .withReplicas(spec.replicas())
            .withNewSelector().withMatchLabels(selector(spec)).endSelector()
            .withNewTemplate()
                .withNewMetadata().withLabels(labels(spec)).endMetadata()
                .withNewSpec()
                    .withAutomountServiceAccountToken(false)
                    // TF Serving needs no root: it reads the model and answers on unprivileged ports.
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L).withFsGroup(1000L)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                    .addNewContainer()
                        .withName("tf-serving")
                        .withImage(spec.image())
                        // The binary with explicit flags, not the image's entry point: the REST port and model
                        // name are then on the command line, where the controller reads them.
                        .withCommand("tensorflow_model_server")
                        .withArgs("--port=" + GRPC_PORT, "--rest_api_port=" + REST_PORT,
                            "--model_name=" + spec.modelName(), "--model_base_path=" + spec.modelBasePath())
                        .addNewPort().withName("grpc").withContainerPort(GRPC_PORT).endPort()
                        .addNewPort().withName("http").withContainerPort(REST_PORT).endPort()
                        .withNewReadinessProbe()
                            .withNewHttpGet()
                                .withPath("/v1/models/" + spec.modelName())
                                .withPort(new IntOrString("http"))
                            .endHttpGet()
                            .withPeriodSeconds(5)
                        .endReadinessProbe()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .withNewSecurityContext()
                            .withAllowPrivilegeEscalation(false)
                            .withReadOnlyRootFilesystem(true)
                            .withNewCapabilities().withDrop(List.of("ALL")).endCapabilities()
                            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .endSecurityContext()
                    .endContainer()
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
  }

  static Service service(ModelSpec spec) {
    return new ServiceBuilder()
        .withNewMetadata()
            .withName(spec.name()).withNamespace(spec.namespace()).withLabels(labels(spec))
        .endMetadata()
        .withNewSpec()
            .withType("ClusterIP")
            .withSelector(selector(spec))
            .addNewPort().withName("http").withPort(REST_PORT).withTargetPort(new IntOrString("http")).endPort()
            .addNewPort().withName("grpc").withPort(GRPC_PORT).withTargetPort(new IntOrString("grpc")).endPort()
        .endSpec()
        .build();
  }
}
