package io.dragoman.kubeflow.controller;

import java.util.Objects;

/**
 * An Event the controller records on a Service.
 *
 * @param type {@code Normal} or {@code Warning}
 * @param reason CamelCase, one of the constants below
 */
public record Notice(String type, String reason, String message) {
  public static final String ROUTED = "Routed";
  public static final String ROUTES_REMOVED = "RoutesRemoved";
  public static final String FOREIGN_CONFIG = "ForeignConfig";
  public static final String UNSAFE_MODEL_NAME = "UnsafeModelName";
  public static final String MODEL_NAME_REQUIRED = "ModelNameRequired";
  public static final String INVALID_TIMEOUT = "InvalidTimeout";

  public Notice {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  static Notice normal(String reason, String message) {
    return new Notice("Normal", reason, message);
  }

  static Notice warning(String reason, String message) {
    return new Notice("Warning", reason, message);
  }
}
