package io.dragoman.kubeflow;

/** Entry point of the Kubeflow integration. The controller and the models command come with their own issue. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("dragoman-kubeflow: the controller and the 'models' command are not built yet (see the Kubeflow integration issue)");
    System.exit(2);
  }
}
