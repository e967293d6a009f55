package io.dragoman.kubeflow.controller;

import java.util.List;

/** The label and annotation keys the controller reads and writes. Fixed: users and scripts rely on them. */
public final class Keys {
  /** Label: "true" opts a Service in, "false" opts it out of everything. */
  public static final String TF_SERVING_LABEL = "dragoman.io/tf-serving";
  /** Annotation (user's): model names, comma-separated. */
  public static final String MODEL_NAME = "dragoman.io/model-name";
  /** Annotation (user's): prediction timeout in integer milliseconds. */
  public static final String TIMEOUT_MS = "dragoman.io/timeout-ms";

  /** Annotation (ours): the Mappings. */
  public static final String AMBASSADOR_CONFIG = "getambassador.io/config";
  /** Annotation (ours): marks what the controller owns. */
  public static final String MANAGED_BY = "dragoman.io/managed-by";
  /** Annotation (ours): the public URL of each model, comma-separated in model order. */
  public static final String MODEL_URL = "dragoman.io/model-url";

  public static final String MANAGER = "kubeflow-integration";

  /** Every annotation the controller may write; it never touches any other. */
  public static final List<String> OWNED = List.of(AMBASSADOR_CONFIG, MANAGED_BY, MODEL_URL);

  private Keys() {}
}
