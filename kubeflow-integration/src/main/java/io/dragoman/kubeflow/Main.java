package io.dragoman.kubeflow;

import io.dragoman.kubeflow.controller.ControllerCommand;
import io.dragoman.kubeflow.models.ModelsCommand;
import java.util.Arrays;
import java.util.List;

/** Entry point: {@code controller} runs the annotating controller, {@code models} deploys and lists models. */
public final class Main {
  static final String USAGE = """
      usage: java -jar dragoman-kubeflow.jar controller [--namespace NS]... [--public-url URL]
                 [--lease-namespace NS] [--identity NAME] [--health-port N] [--health-address A]
             java -jar dragoman-kubeflow.jar models deploy NAME --model-base-path PATH [--model-name M]
                 [--namespace NS] [--image IMAGE] [--replicas N] [--timeout SECONDS]
             java -jar dragoman-kubeflow.jar models list [--namespace NS]
             java -jar dragoman-kubeflow.jar models url NAME [--namespace NS]
      """;

  private Main() {}

  public static void main(String[] argv) {
    List<String> args = Arrays.asList(argv);
    if (args.isEmpty()) {
      System.err.print(USAGE);
      System.exit(2);
    }
    List<String> rest = args.subList(1, args.size());
    int code = switch (args.get(0)) {
      case "controller" -> ControllerCommand.run(rest);
      case "models" -> ModelsCommand.run(rest, System.out, System.err);
      default -> {
        System.err.println(args.get(0) + ": unknown command (expected: controller or models)");
        System.err.print(USAGE);
        yield 2;
      }
    };
    System.exit(code);
  }
}
