package io.dragoman.kubeflow.controller;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;

/** Hand-built Services, Pods and containers for the controller's tests. */
public final class K8s {
  private K8s() {}

  /** The official image's entry point: MODEL_NAME from the environment, REST on 8501. */
  public static Container officialImage(String modelName) {
    ContainerBuilder b = new ContainerBuilder().withName("serving").withImage("tensorflow/serving:2.14.1")
        .addNewPort().withName("http").withContainerPort(8501).endPort()
        .addNewPort().withName("grpc").withContainerPort(8500).endPort();
    if (modelName != null) b.addNewEnv().withName("MODEL_NAME").withValue(modelName).endEnv();
    return b.build();
  }

  /** Kubeflow's 2018 template: the binary with REST on 8500 and gRPC on 9000. */
  public static Container kubeflowStyle(String modelName) {
    return new ContainerBuilder().withName("mnist").withImage("gcr.io/kubeflow-images-public/tf-model-server:v1")
        .withCommand("/usr/bin/tensorflow_model_server")
        .withArgs("--port=9000", "--rest_api_port=8500", "--model_name=" + modelName,
            "--model_base_path=gs://bucket/" + modelName)
        .addNewPort().withContainerPort(9000).endPort()
        .addNewPort().withContainerPort(8500).endPort()
        .build();
  }

  public static Container plain(String image) {
    return new ContainerBuilder().withName("app").withImage(image).build();
  }

  public static Pod pod(String namespace, String name, Map<String, String> labels, Container container) {
    return new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
        .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
        .withNewSpec().withContainers(container).endSpec()
        .build();
  }

  public static ServicePort port(String name, int port, Object target) {
    ServicePortBuilder b = new ServicePortBuilder().withName(name).withPort(port);
    if (target instanceof Integer i) b.withTargetPort(new IntOrString(i));
    if (target instanceof String s) b.withTargetPort(new IntOrString(s));
    return b.build();
  }

  public static ServiceBuilder service(String namespace, String name, Map<String, String> selector,
      ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withResourceVersion("1").endMetadata()
        .withNewSpec().withSelector(selector).withPorts(ports).endSpec();
  }

  /** A Service of the official image's shape: http 8501 → 8501, grpc 8500 → 8500. */
  public static ServiceBuilder servingService(String namespace, String name) {
    return service(namespace, name, Map.of("app", name), port("grpc", 8500, 8500), port("http", 8501, 8501));
  }
}
