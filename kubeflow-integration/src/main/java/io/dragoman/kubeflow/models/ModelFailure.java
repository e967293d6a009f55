package io.dragoman.kubeflow.models;

/** A failure the {@code models} command reports in one line, without a stack trace. */
public final class ModelFailure extends RuntimeException {
  public ModelFailure(String message) {
    super(message);
  }
}
