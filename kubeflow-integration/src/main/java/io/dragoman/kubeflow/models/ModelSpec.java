package io.dragoman.kubeflow.models;

import java.util.Objects;

/**
 * A model to deploy.
 *
 * @param name the Deployment's and Service's name (a DNS label)
 * @param modelName the name TF Serving serves it under, and the path segment of its URL
 * @param modelBasePath where TF Serving finds the model's numbered version folders (a path in the container, or
 *     a {@code gs://}/{@code s3://} URI)
 */
public record ModelSpec(
    String name, String modelName, String namespace, String modelBasePath, String image, int replicas) {
  public static final String DEFAULT_IMAGE = "tensorflow/serving:2.14.1";
  public static final String DEFAULT_NAMESPACE = "kubeflow";

  public ModelSpec {
    Objects.requireNonNull(modelBasePath, "modelBasePath");
    Objects.requireNonNull(image, "image");
    if (!dnsLabel(name)) {
      throw new IllegalArgumentException("NAME: \"" + name + "\" (expected: a DNS label: lower-case letters, digits"
          + " and '-', at most 63)");
    }
    if (!dnsLabel(namespace)) {
      throw new IllegalArgumentException("--namespace: \"" + namespace + "\" (expected: a DNS label)");
    }
    if (!modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || modelName.contains("..")) {
      throw new IllegalArgumentException("--model-name: \"" + modelName + "\" (expected: letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit)");
    }
    if (modelBasePath.isBlank()) {
      throw new IllegalArgumentException("--model-base-path: \"\" (expected: a path or a gs:// or s3:// URI)");
    }
    if (replicas < 1) throw new IllegalArgumentException("--replicas: " + replicas + " (expected: >= 1)");
  }

  /** The Kubernetes name for a model name: lower case, {@code _} and {@code .} become {@code -}. */
  public static String objectName(String modelName) {
    return modelName.toLowerCase(java.util.Locale.ROOT).replace('_', '-').replace('.', '-');
  }

  private static boolean dnsLabel(String s) {
    return s != null && s.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  }
}
